package dev.robustgate.specs;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.EpsResult;
import org.apache.commons.math3.stat.inference.MannWhitneyUTest;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The distances a bounded attack needed, one per correctly classified sample, with the samples it
 * did not break within its radius counted as +infinity (censored: we only know the distance is
 * larger). Medians of such samples are exact as long as fewer than half are censored; the
 * bootstrap and the rank test treat every censored value as a tie above all found distances.
 */
final class CensoredDistances {
    private CensoredDistances() {}

    /** Per correctly classified sample: the distance of its adversarial at the run's single eps, or +inf if it resisted. */
    static double[] of(AttackResult result) {
        EpsResult r = result.single();
        int[] clean = result.cleanPredictions(), labels = r.labels();
        return java.util.stream.IntStream.range(0, r.size()).filter(i -> clean[i] == labels[i])
                .mapToDouble(i -> r.success(i) ? r.distance(i) : Double.POSITIVE_INFINITY).toArray();
    }

    static double median(double[] d) {
        if (d.length == 0) return Double.NaN;
        double[] s = d.clone();
        Arrays.sort(s);
        int m = s.length / 2;
        return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
    }

    /** median(a) / median(b) with a 95% percentile-bootstrap interval (each group resampled on its own). */
    record MedianRatio(double value, double lower, double upper, int resamples) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.3f [%.3f, %.3f] (bootstrap, %d resamples)", value, lower, upper, resamples);
        }
    }

    static MedianRatio medianRatio(double[] a, double[] b, int resamples, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] ratios = new double[resamples];
        for (int k = 0; k < resamples; k++) {
            ratios[k] = ratio(median(resample(a, rnd)), median(resample(b, rnd)));
        }
        Arrays.sort(ratios);   // NaN sorts last: an undefined ratio widens the interval upwards
        return new MedianRatio(ratio(median(a), median(b)), ratios[(int) Math.floor(0.025 * (resamples - 1))],
                ratios[(int) Math.ceil(0.975 * (resamples - 1))], resamples);
    }

    /** Two-sided Mann-Whitney U p-value (Commons Math); censored values rank as ties above every finite distance. */
    static double rankTestPValue(double[] a, double[] b) {
        if (a.length == 0 || b.length == 0) return Double.NaN;
        return new MannWhitneyUTest().mannWhitneyUTest(finite(a), finite(b));
    }

    static String format(double d) {
        return Double.isInfinite(d) ? "> radius" : String.format(Locale.ROOT, "%.3f", d);
    }

    private static double ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || (Double.isInfinite(a) && Double.isInfinite(b))) return Double.NaN;
        return a / b;
    }

    private static double[] resample(double[] d, SplittableRandom rnd) {
        double[] out = new double[d.length];
        for (int i = 0; i < d.length; i++) out[i] = d[rnd.nextInt(d.length)];
        return out;
    }

    private static double[] finite(double[] d) {
        return Arrays.stream(d).map(x -> Double.isInfinite(x) ? Double.MAX_VALUE : x).toArray();
    }
}
