package dev.robustgate.baseline;

import dev.robustgate.metric.Proportion;
import org.apache.commons.math3.distribution.HypergeometricDistribution;

/**
 * Decides whether a new measurement is significantly worse than its baseline, with a one-sided
 * Fisher exact test of two proportions: given the successes of both runs together, how likely is
 * a split at least this unfavourable to the new run if both had the same true rate? Exact at any
 * n and at 0 or n successes, where the normal approximation of the z-test breaks down.
 *
 * <p>The test treats the two runs as independent samples. When both evaluate the same seeded
 * sample the outcomes are paired, and this test is conservative: a regression it reports is real.
 */
public final class BaselineComparison {
    /** One-sided significance: a regression is reported at 99% confidence. */
    public static final double DEFAULT_SIGNIFICANCE = 0.01;

    public enum Outcome { REGRESSION, NO_SIGNIFICANT_CHANGE, IMPROVEMENT }

    /**
     * @param pWorse P(a split at least this unfavourable to the new run | equal rates)
     * @param pBetter the same for a split at least this favourable
     */
    public record Verdict(Outcome outcome, double pWorse, double pBetter, double significance) {
        public boolean regressed() {
            return outcome == Outcome.REGRESSION;
        }
    }

    private BaselineComparison() {}

    public static Verdict compare(Proportion now, BaselineEntry base, double significance) {
        if (!(significance > 0 && significance < 0.5)) {
            throw new IllegalArgumentException("significance must be in (0, 0.5), got " + significance);
        }
        // Count "good" outcomes so that one tail means worse for either direction.
        long goodNow = base.better() == Better.HIGHER ? now.successes() : now.trials() - now.successes();
        long goodBase = base.better() == Better.HIGHER ? base.successes() : base.samples() - base.successes();
        long population = now.trials() + base.samples();
        long good = goodNow + goodBase;
        int total = Math.toIntExact(population);
        HypergeometricDistribution h = new HypergeometricDistribution(null, total, Math.toIntExact(good),
                Math.toIntExact(now.trials()));
        double pWorse = h.cumulativeProbability(Math.toIntExact(goodNow));
        double pBetter = goodNow == 0 ? 1.0 : 1 - h.cumulativeProbability(Math.toIntExact(goodNow - 1));
        Outcome o = pWorse < significance ? Outcome.REGRESSION
                : pBetter < significance ? Outcome.IMPROVEMENT : Outcome.NO_SIGNIFICANT_CHANGE;
        return new Verdict(o, pWorse, pBetter, significance);
    }
}
