package dev.robustgate.serve;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * What a prediction API reveals of its model's probabilities: everything, only the top-1 label,
 * probabilities rounded to k decimals, or probabilities with added Gaussian noise. These are the
 * defences the stealing literature measures (Tramer 2016 rounds; Orekondy 2019 truncates to top-1).
 */
public sealed interface OutputPolicy {
    /** A short name for reports and the /info endpoint, e.g. "rounded(2)". */
    String describe();

    /** Whether answers carry labels only (no probabilities). */
    default boolean labelsOnly() { return false; }

    /** The probabilities as revealed; {@code probs} is one row and is not modified. */
    double[] reveal(double[] probs);

    static OutputPolicy full() { return new Full(); }

    static OutputPolicy top1() { return new Top1(); }

    /** Each probability rounded half-up to {@code decimals} digits after the point. */
    static OutputPolicy rounded(int decimals) { return new Rounded(decimals); }

    /** N(0, sigma) added to each probability, then clipped at 0 and renormalised; seeded. */
    static OutputPolicy noise(double sigma, long seed) { return new Noise(sigma, seed); }

    /** Parses "full", "top1", "rounded(k)" / "rounded:k", "noise(sigma)" / "noise:sigma" (seed 0). */
    static OutputPolicy parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT).replace(':', '(').replace(")", "");
        try {
            if (t.equals("full")) return full();
            if (t.equals("top1")) return top1();
            if (t.startsWith("rounded(")) return rounded(Integer.parseInt(t.substring(8)));
            if (t.startsWith("noise(")) return noise(Double.parseDouble(t.substring(6)), 0L);
        } catch (NumberFormatException e) {
            // falls through to the message below
        }
        throw new IllegalArgumentException("unknown output policy '" + text
                + "': use full, top1, rounded(k) with k in [0, 15], or noise(sigma) with sigma >= 0");
    }

    record Full() implements OutputPolicy {
        @Override public String describe() { return "full"; }
        @Override public double[] reveal(double[] probs) { return probs.clone(); }
    }

    record Top1() implements OutputPolicy {
        @Override public String describe() { return "top1"; }
        @Override public boolean labelsOnly() { return true; }
        @Override public double[] reveal(double[] probs) {
            double[] out = new double[probs.length];
            int best = 0;
            for (int i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
            out[best] = 1.0;
            return out;
        }
    }

    record Rounded(int decimals) implements OutputPolicy {
        public Rounded {
            if (decimals < 0 || decimals > 15) {
                throw new IllegalArgumentException("rounding decimals must be in [0, 15], got " + decimals);
            }
        }
        @Override public String describe() { return "rounded(" + decimals + ")"; }
        @Override public double[] reveal(double[] probs) {
            double scale = Math.pow(10, decimals);
            double[] out = new double[probs.length];
            for (int i = 0; i < probs.length; i++) out[i] = Math.round(probs[i] * scale) / scale;
            return out;
        }
    }

    final class Noise implements OutputPolicy {
        private final double sigma;
        private final long seed;
        private final SplittableRandom random;

        Noise(double sigma, long seed) {
            if (!(sigma >= 0) || !Double.isFinite(sigma)) {
                throw new IllegalArgumentException("noise sigma must be a finite number >= 0, got " + sigma);
            }
            this.sigma = sigma;
            this.seed = seed;
            this.random = new SplittableRandom(seed);
        }

        public double sigma() { return sigma; }

        @Override public String describe() { return String.format(Locale.ROOT, "noise(%s, seed %d)", sigma, seed); }

        @Override public synchronized double[] reveal(double[] probs) {
            double[] out = new double[probs.length];
            double sum = 0;
            for (int i = 0; i < probs.length; i++) {
                out[i] = Math.max(0, probs[i] + sigma * gaussian());
                sum += out[i];
            }
            if (sum == 0) return probs.clone();
            for (int i = 0; i < out.length; i++) out[i] /= sum;
            return out;
        }

        private double gaussian() {
            // Box-Muller on the seeded stream: SplittableRandom has no nextGaussian in Java 17.
            double u1 = 1.0 - random.nextDouble();
            double u2 = random.nextDouble();
            return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        }
    }
}
