package dev.robustgate.metric;

import org.apache.commons.math3.distribution.BinomialDistribution;
import org.apache.commons.math3.distribution.NormalDistribution;

import java.util.Locale;
import java.util.function.LongToDoubleFunction;

/**
 * What a gate on a proportion can catch at its n: the smallest change of the true proportion past
 * its threshold that the gate fails with {@value #POWER} probability, and whether the gate is
 * <em>weak</em> (it cannot fail at this n at all, or its n is below {@value #MIN_TRIALS}).
 *
 * <p>Why power, not the interval's half-width: the power is computed from the gate's own decision
 * rule (point estimate, lower or upper bound, exactly, over every outcome k = 0..n), so it is the
 * same quantity for every kind of gate and answers the question a user has: "if my model got this
 * much worse, would CI notice?". 80% is the conventional power of a sample-size calculation
 * (Cohen 1988). Example, MI-Face's old gate "value >= 0.3" on 10 reconstructions: it fails only at
 * k <= 2, and fails 80% of the time only for a model at 0.15 or below, a drop of 0.15 (half the
 * threshold); on 100 reconstructions the same gate fails k <= 29 and detects a drop of 0.04.
 *
 * <p>Why the floor of 100 trials: at n = 100 the 95% Clopper-Pearson interval around 0.5 is
 * [0.398, 0.602], +-0.10; at n = 50 it is +-0.15, at n = 10 [0.187, 0.813], +-0.31. Below 100 a
 * gate's own interval is wider than the 10-point regressions the specs guard against, whatever
 * the power against one threshold says.
 *
 * @param detectableChange the smallest change past the threshold (>= 0, in proportion units)
 *                         that fails the gate with probability {@link #POWER}; NaN when it cannot fail
 * @param canFail          whether some outcome at this n fails the gate
 * @param weak             cannot fail, or n below {@link #MIN_TRIALS}
 * @param description      one cell of the gate table, e.g. "drop 0.042" or "WEAK: n=10 < 100; drop 0.150"
 */
public record GateSensitivity(double detectableChange, boolean canFail, boolean weak, String description) {
    public static final int MIN_TRIALS = 100;
    public static final double POWER = 0.8;

    /** Which statistic of the proportion the gate compares with its threshold. */
    public enum Statistic { VALUE, LOWER_BOUND, UPPER_BOUND }

    /** Not stated (for events built by code that predates sensitivities). */
    public static GateSensitivity unknown() {
        return new GateSensitivity(Double.NaN, true, false, "");
    }

    /**
     * A threshold gate: {@code statistic >= threshold} ({@code atLeast}) or {@code <= threshold},
     * where the bounds are Clopper-Pearson bounds at {@code level} over {@code n} trials.
     */
    public static GateSensitivity ofThreshold(long n, Statistic statistic, boolean atLeast, double threshold, double level) {
        if (n <= 0) throw new IllegalArgumentException("trials must be > 0, got " + n);
        LongToDoubleFunction stat = k -> switch (statistic) {
            case VALUE -> (double) k / n;
            case LOWER_BOUND -> ConfidenceInterval.clopperPearson(k, n, level).lower();
            case UPPER_BOUND -> ConfidenceInterval.clopperPearson(k, n, level).upper();
        };
        // Every statistic rises with k, so the failing outcomes are {0..kFail} for ">=" and {kFail..n} for "<=".
        if (atLeast) {
            if (stat.applyAsDouble(0) >= threshold) return cannotFail(n);
            long kFail = lastBelow(stat, n, threshold);
            double p80 = solve(p -> new BinomialDistribution(null, (int) n, p).cumulativeProbability((int) kFail));
            return of(n, Math.max(0, threshold - p80), "drop");
        }
        if (stat.applyAsDouble(n) <= threshold) return cannotFail(n);
        long kFail = firstAbove(stat, n, threshold);
        double p80 = 1 - solve(q -> new BinomialDistribution(null, (int) n, q).cumulativeProbability((int) (n - kFail)));
        return of(n, Math.max(0, p80 - threshold), "rise");
    }

    /**
     * A comparison of two proportions over {@code n1} and {@code n2} trials near {@code p}: by a
     * one-sided test at {@code significance} (the baseline gate's Fisher test), plus {@code margin}.
     * Normal approximation: delta = (z_{1-a} + z_power) * sqrt(p(1-p)(1/n1 + 1/n2)) + margin, with p kept
     * at least 1/min(n) away from 0 and 1 so that a count of 0 does not claim to detect anything.
     */
    public static GateSensitivity ofComparison(long n1, long n2, double p, double significance, double margin) {
        if (n1 <= 0 || n2 <= 0) throw new IllegalArgumentException("trials must be > 0, got " + n1 + " and " + n2);
        NormalDistribution z = new NormalDistribution(null, 0, 1);
        double floor = 1.0 / Math.min(n1, n2);
        double q = Math.min(1 - floor, Math.max(floor, p));
        double delta = (z.inverseCumulativeProbability(1 - significance) + z.inverseCumulativeProbability(POWER))
                * Math.sqrt(q * (1 - q) * (1.0 / n1 + 1.0 / n2)) + margin;
        return of(Math.min(n1, n2), delta, "change");
    }

    /**
     * Two disjoint 95% intervals (the "clearly above" gates): the difference must exceed both
     * half-widths, 1.96 (se1 + se2), plus margin; with power, z_power * sqrt(se1^2 + se2^2) on top.
     */
    public static GateSensitivity ofSeparation(long n1, double p1, long n2, double p2, double margin) {
        if (n1 <= 0 || n2 <= 0) throw new IllegalArgumentException("trials must be > 0, got " + n1 + " and " + n2);
        double se1 = se(p1, n1), se2 = se(p2, n2);
        double zp = new NormalDistribution(null, 0, 1).inverseCumulativeProbability(POWER);
        double delta = 1.96 * (se1 + se2) + zp * Math.sqrt(se1 * se1 + se2 * se2) + margin;
        return of(Math.min(n1, n2), delta, "gap");
    }

    private static double se(double p, long n) {
        double q = Math.min(1 - 1.0 / n, Math.max(1.0 / n, p));
        return Math.sqrt(q * (1 - q) / n);
    }

    private static GateSensitivity cannotFail(long n) {
        return new GateSensitivity(Double.NaN, false, true,
                String.format(Locale.ROOT, "WEAK: cannot fail at n=%d", n));
    }

    private static GateSensitivity of(long n, double delta, String direction) {
        String change = String.format(Locale.ROOT, "%s %.3f", direction, delta);
        boolean small = n < MIN_TRIALS;
        return new GateSensitivity(delta, true, small,
                small ? String.format(Locale.ROOT, "WEAK: n=%d < %d; %s", n, MIN_TRIALS, change) : change);
    }

    /** Largest k with stat(k) < threshold, given stat(0) < threshold. */
    private static long lastBelow(LongToDoubleFunction stat, long n, double threshold) {
        long lo = 0, hi = n;   // invariant: stat(lo) < t
        while (lo < hi) {
            long mid = (lo + hi + 1) >>> 1;
            if (stat.applyAsDouble(mid) < threshold) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /** Smallest k with stat(k) > threshold, given stat(n) > threshold. */
    private static long firstAbove(LongToDoubleFunction stat, long n, double threshold) {
        long lo = 0, hi = n;   // invariant: stat(hi) > t
        while (lo < hi) {
            long mid = (lo + hi) >>> 1;
            if (stat.applyAsDouble(mid) > threshold) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    /** The p in [0, 1] where the decreasing function failProbability(p) equals {@link #POWER} (bisection). */
    private static double solve(java.util.function.DoubleUnaryOperator failProbability) {
        double lo = 0, hi = 1;
        for (int i = 0; i < 60; i++) {
            double mid = (lo + hi) / 2;
            if (failProbability.applyAsDouble(mid) >= POWER) lo = mid; else hi = mid;
        }
        return lo;
    }
}
