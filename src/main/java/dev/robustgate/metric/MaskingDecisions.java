package dev.robustgate.metric;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.EpsResult;
import org.apache.commons.math3.distribution.BinomialDistribution;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The decisions of the gradient-masking checks ({@link MaskingChecks}), from counted results only: which
 * samples each attack broke at each eps, the gradient counts, two calls' logits. Nothing here runs a
 * model, so every threshold and comparison is unit-tested on synthetic numbers (MaskingDecisionsTest)
 * and mutation-tested by PIT in seconds; {@link MaskingChecks} runs the attacks and hands their results
 * here.
 *
 * <p>"Beats" and "rises" are paired comparisons on the same samples: with b samples where the
 * suspicious thing happens and c where the opposite does, a check flags when b > c and the exact
 * one-sided sign test (b of b + c under p = 1/2) gives p < alpha, so one unlucky sample does not flag
 * but a systematic effect does.
 */
public final class MaskingDecisions {
    public static final String RISES_WITH_EPS = "accuracy rises with eps";
    public static final String UNBOUNDED_ABOVE_CHANCE = "unbounded PGD stays above chance";
    public static final String BLACK_BOX_BEATS_WHITE_BOX = "black box beats white box";
    public static final String FGSM_BEATS_PGD = "FGSM beats PGD";
    public static final String USELESS_GRADIENTS = "zero or non-finite gradients";
    public static final String RANDOMISED = "randomised outputs (use EOT)";
    /** Logit changes below this between identical calls are float noise, not randomness. */
    static final double RANDOMNESS_TOLERANCE = 1e-4;

    private MaskingDecisions() {}

    /**
     * What the checks' evaluations produced on one set of samples: the FGSM and PGD sweeps over the same
     * eps, Square at the largest eps, PGD with the whole box as its budget, the gradient counts and the
     * randomness check.
     */
    public record Evidence(AttackResult fgsm, AttackResult pgd, AttackResult square, AttackResult unbounded,
                           GradientStatistics gradients, MaskingCheck randomness) {}

    /**
     * The six checks in report order: rises with eps (the worse of FGSM's and PGD's sweep), unbounded
     * above chance, black box beats white box (at the largest of {@code eps}), FGSM beats PGD (the first
     * eps that flags, else the first), useless gradients, randomness.
     */
    public static List<MaskingCheck> decide(Evidence e, double[] eps, int numClasses, double alpha, double gradientThreshold) {
        if (eps.length == 0) throw new IllegalArgumentException("at least one eps is required");
        double largest = eps[0];
        for (double x : eps) largest = Math.max(largest, x);
        List<MaskingCheck> checks = new ArrayList<>();
        checks.add(worse(accuracyRisesWithEps(e.fgsm(), alpha), accuracyRisesWithEps(e.pgd(), alpha)));
        checks.add(unboundedReachesChance(e.unbounded(), numClasses));
        checks.add(beats(BLACK_BOX_BEATS_WHITE_BOX, e.square(), e.pgd(), largest, alpha));
        MaskingCheck fgsmVsPgd = null;
        for (double x : eps) {
            MaskingCheck c = beats(FGSM_BEATS_PGD, e.fgsm(), e.pgd(), x, alpha);
            fgsmVsPgd = fgsmVsPgd == null ? c : worse(fgsmVsPgd, c);
        }
        checks.add(fgsmVsPgd);
        checks.add(gradients(e.gradients(), gradientThreshold));
        checks.add(e.randomness());
        return checks;
    }

    /** {@code a}, unless only {@code b} is suspected. */
    static MaskingCheck worse(MaskingCheck a, MaskingCheck b) {
        return b.suspected() && !a.suspected() ? b : a;
    }

    /** Flags when, between consecutive eps of one sweep, significantly more samples become robust than stop being robust. */
    public static MaskingCheck accuracyRisesWithEps(AttackResult sweep, double alpha) {
        List<EpsResult> per = new ArrayList<>(sweep.perEps());
        per.sort((x, y) -> Double.compare(x.eps(), y.eps()));
        String worst = sweep.attack() + ": " + per.size() + " eps, accuracy never rises significantly";
        for (int k = 1; k < per.size(); k++) {
            EpsResult small = per.get(k - 1);
            EpsResult large = per.get(k);
            int b = 0;
            int c = 0;
            for (int i = 0; i < small.size(); i++) {
                boolean robustSmall = small.sample(i).robust();
                boolean robustLarge = large.sample(i).robust();
                if (robustLarge && !robustSmall) b++;
                if (robustSmall && !robustLarge) c++;
            }
            double p = signTest(b, c);
            String evidence = String.format(Locale.ROOT, "%s: robust %d -> %d of %d from eps %s to %s (%d became robust, %d stopped being; sign test p=%.3g)",
                    sweep.attack(), small.robustCount(), large.robustCount(), small.size(), (float) small.eps(), (float) large.eps(), b, c, p);
            if (b > c && p < alpha) return new MaskingCheck(RISES_WITH_EPS, true, evidence);
        }
        return new MaskingCheck(RISES_WITH_EPS, false, worst);
    }

    /** Flags when the unbounded attack leaves accuracy significantly above chance (the 95% interval's lower end above 1/K). */
    public static MaskingCheck unboundedReachesChance(AttackResult unbounded, int numClasses) {
        EpsResult r = unbounded.perEps().get(unbounded.perEps().size() - 1);
        Proportion acc = Proportion.of("robust accuracy", unbounded.victim(), r.description(), r.robustCount(), r.size());
        double chance = 1.0 / numClasses;
        boolean flag = acc.interval().lower() > chance;
        return new MaskingCheck(UNBOUNDED_ABOVE_CHANCE, flag, String.format(Locale.ROOT, "%s: robust accuracy %.3f %s, chance %.3f",
                r.description(), acc.value(), acc.interval(), chance));
    }

    /** Flags when {@code weaker} breaks significantly more samples than {@code stronger} at eps (paired). */
    public static MaskingCheck beats(String name, AttackResult weaker, AttackResult stronger, double eps, double alpha) {
        EpsResult w = weaker.at(eps);
        EpsResult s = stronger.at(eps);
        if (w.size() != s.size()) {
            throw new IllegalArgumentException("results cover " + w.size() + " and " + s.size() + " samples: compare the same samples");
        }
        int b = 0;
        int c = 0;
        for (int i = 0; i < w.size(); i++) {
            boolean brokeW = !w.sample(i).robust();
            boolean brokeS = !s.sample(i).robust();
            if (brokeW && !brokeS) b++;
            if (brokeS && !brokeW) c++;
        }
        double p = signTest(b, c);
        boolean flag = b > c && p < alpha;
        return new MaskingCheck(name, flag, String.format(Locale.ROOT,
                "at eps %s: robust %d under %s vs %d under %s of %d (%d broken only by the first, %d only by the second; sign test p=%.3g)",
                (float) eps, w.robustCount(), weaker.attack(), s.robustCount(), stronger.attack(), w.size(), b, c, p));
    }

    /** Flags when the fraction of zero or non-finite gradients is above {@code threshold}. */
    public static MaskingCheck gradients(GradientStatistics g, double threshold) {
        Proportion useless = g.uselessFraction();
        return new MaskingCheck(USELESS_GRADIENTS, useless.value() > threshold, String.format(Locale.ROOT,
                "%d zero and %d non-finite of %d: %.3f %s, threshold %.3f", g.zero(), g.nonFinite(), g.samples(),
                useless.value(), useless.interval(), threshold));
    }

    /**
     * Flags a model whose logits {@code first} and {@code second} (two identical calls on the same batch,
     * one row per sample) differ by more than float noise ({@value #RANDOMNESS_TOLERANCE}) on any sample.
     */
    public static MaskingCheck randomised(double[][] first, double[][] second) {
        if (first.length != second.length) {
            throw new IllegalArgumentException("two calls answered " + first.length + " and " + second.length + " rows");
        }
        int changed = 0;
        int predictions = 0;
        double largest = 0;
        for (int i = 0; i < first.length; i++) {
            double d = 0;
            for (int c = 0; c < first[i].length; c++) d = Math.max(d, Math.abs(first[i][c] - second[i][c]));
            largest = Math.max(largest, d);
            if (d > RANDOMNESS_TOLERANCE) changed++;
            if (argMax(first[i]) != argMax(second[i])) predictions++;
        }
        boolean flag = changed > 0;
        return new MaskingCheck(RANDOMISED, flag, String.format(Locale.ROOT,
                "two identical calls: %d of %d samples' logits changed (max |dz| %.3g), %d predictions changed%s",
                changed, first.length, largest, predictions,
                flag ? "; the model is randomised: single-draw attacks overstate robustness, evaluate with EOT (eotDraws)" : ""));
    }

    /** The first index of the largest entry. */
    static int argMax(double[] z) {
        int best = 0;
        for (int c = 1; c < z.length; c++) if (z[c] > z[best]) best = c;
        return best;
    }

    /** P(X >= b) for X ~ Binomial(b + c, 1/2); 1 when there is nothing to compare. */
    static double signTest(int b, int c) {
        int n = b + c;
        if (n == 0 || b == 0) return 1.0;
        return 1.0 - new BinomialDistribution(null, n, 0.5).cumulativeProbability(b - 1);
    }
}
