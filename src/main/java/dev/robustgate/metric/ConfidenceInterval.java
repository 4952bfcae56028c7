package dev.robustgate.metric;

import org.apache.commons.math3.distribution.BetaDistribution;

/** A two-sided interval for a proportion at a stated confidence level. */
public record ConfidenceInterval(double lower, double upper, double level) {
    public static final double DEFAULT_LEVEL = 0.95;

    public ConfidenceInterval {
        if (!(lower <= upper)) throw new IllegalArgumentException("lower " + lower + " > upper " + upper);
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level must be in (0, 1), got " + level);
    }

    /**
     * The exact (Clopper-Pearson) interval for k successes in n trials: conservative, never
     * shorter than its nominal coverage, and well defined at k = 0 and k = n where the normal
     * approximation collapses.
     */
    public static ConfidenceInterval clopperPearson(long k, long n, double level) {
        if (n <= 0) throw new IllegalArgumentException("trials must be > 0, got " + n);
        if (k < 0 || k > n) throw new IllegalArgumentException("successes must be in [0, " + n + "], got " + k);
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("level must be in (0, 1), got " + level);
        double alpha = 1 - level;
        double lo = k == 0 ? 0.0 : new BetaDistribution(null, k, n - k + 1).inverseCumulativeProbability(alpha / 2);
        double hi = k == n ? 1.0 : new BetaDistribution(null, k + 1, n - k).inverseCumulativeProbability(1 - alpha / 2);
        return new ConfidenceInterval(lo, hi, level);
    }

    public boolean contains(double p) {
        return p >= lower && p <= upper;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "[%.3f, %.3f]", lower, upper);
    }
}
