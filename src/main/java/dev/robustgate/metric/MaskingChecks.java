package dev.robustgate.metric;

import dev.robustgate.attack.Attack;
import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.FgsmAttack;
import dev.robustgate.attack.PgdAttack;
import dev.robustgate.attack.SquareAttack;
import dev.robustgate.data.Dataset;
import dev.robustgate.model.DifferentiableClassifier;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Sanity checks that catch gradient masking (Athalye et al. 2018; Carlini et al. 2019, "On
 * evaluating adversarial robustness"), where a gradient attack fails because the gradient is
 * useless rather than because the model is robust:
 * <ol>
 *   <li>robust accuracy must not rise with eps (per attack sweep);</li>
 *   <li>an unbounded PGD (eps = 1 covers the whole [0, 1] box), started at the clean input, must
 *       drive accuracy to chance or below;</li>
 *   <li>a black-box attack (Square) must not beat the white-box one (PGD);</li>
 *   <li>FGSM must not beat PGD at the same eps;</li>
 *   <li>the fraction of zero or non-finite input gradients must stay below a threshold;</li>
 *   <li>the model must answer two identical calls identically: a randomised model (noise, random
 *       resizing at inference) defeats single-draw gradients and single-draw success checks, and
 *       needs expectation over transformation (EOT: {@code eotDraws(r)} on PGD and APGD); AutoAttack
 *       flags the same.</li>
 * </ol>
 * The decisions (paired sign tests, thresholds, chance) are {@link MaskingDecisions}', from counted
 * results; this class chooses and runs the attacks.
 */
public final class MaskingChecks {
    public static final String RISES_WITH_EPS = MaskingDecisions.RISES_WITH_EPS;
    public static final String UNBOUNDED_ABOVE_CHANCE = MaskingDecisions.UNBOUNDED_ABOVE_CHANCE;
    public static final String BLACK_BOX_BEATS_WHITE_BOX = MaskingDecisions.BLACK_BOX_BEATS_WHITE_BOX;
    public static final String FGSM_BEATS_PGD = MaskingDecisions.FGSM_BEATS_PGD;
    public static final String USELESS_GRADIENTS = MaskingDecisions.USELESS_GRADIENTS;
    public static final String RANDOMISED = MaskingDecisions.RANDOMISED;

    private final double[] eps;
    private final int pgdSteps;
    private final int unboundedSteps;
    private final int squareQueries;
    private final long seed;
    private final double gradientThreshold;
    private final double alpha;

    private MaskingChecks(double[] eps, int pgdSteps, int unboundedSteps, int squareQueries, long seed,
                          double gradientThreshold, double alpha) {
        if (eps.length == 0) throw new IllegalArgumentException("at least one eps is required");
        for (double e : eps) {
            if (!(e > 0 && e <= 1)) throw new IllegalArgumentException("eps must be in (0, 1] (Linf), got " + e);
        }
        if (pgdSteps < 1 || unboundedSteps < 1 || squareQueries < 1) {
            throw new IllegalArgumentException("steps and queries must be >= 1, got " + pgdSteps + ", " + unboundedSteps + ", " + squareQueries);
        }
        if (!(gradientThreshold >= 0 && gradientThreshold < 1)) {
            throw new IllegalArgumentException("gradient threshold must be in [0, 1), got " + gradientThreshold);
        }
        if (!(alpha > 0 && alpha < 1)) throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
        this.eps = eps.clone();
        Arrays.sort(this.eps);
        this.pgdSteps = pgdSteps;
        this.unboundedSteps = unboundedSteps;
        this.squareQueries = squareQueries;
        this.seed = seed;
        this.gradientThreshold = gradientThreshold;
        this.alpha = alpha;
    }

    /**
     * Linf checks at the given radii: PGD 20 steps, unbounded PGD 50 steps, Square 500 queries at
     * the largest eps, seed 2024, flag gradients above 5% zero or non-finite, alpha 0.05.
     */
    public static MaskingChecks linf(double... eps) {
        return new MaskingChecks(eps, 20, 50, 500, PgdAttack.DEFAULT_SEED, 0.05, 0.05);
    }

    public MaskingChecks pgdSteps(int s) { return new MaskingChecks(eps, s, unboundedSteps, squareQueries, seed, gradientThreshold, alpha); }
    public MaskingChecks unboundedSteps(int s) { return new MaskingChecks(eps, pgdSteps, s, squareQueries, seed, gradientThreshold, alpha); }
    public MaskingChecks squareQueries(int q) { return new MaskingChecks(eps, pgdSteps, unboundedSteps, q, seed, gradientThreshold, alpha); }
    public MaskingChecks seed(long s) { return new MaskingChecks(eps, pgdSteps, unboundedSteps, squareQueries, s, gradientThreshold, alpha); }
    public MaskingChecks gradientThreshold(double t) { return new MaskingChecks(eps, pgdSteps, unboundedSteps, squareQueries, seed, t, alpha); }
    public MaskingChecks alpha(double a) { return new MaskingChecks(eps, pgdSteps, unboundedSteps, squareQueries, seed, gradientThreshold, a); }

    /**
     * Where the checks' evaluations run: here, or partitioned by an engine ({@code dev.robustgate.engine}).
     * Every call evaluates the same samples.
     */
    public interface Evaluator {
        String modelName();

        int numClasses();

        int samples();

        AttackResult run(Attack attack);

        GradientStatistics gradients();

        /**
         * False for a black box (scores only): then only the checks that need no gradient run
         * (accuracy rising with eps under a Square sweep, randomised outputs) and the others are
         * reported as not applicable.
         */
        default boolean hasInputGradients() {
            return true;
        }

        /** Whether two identical calls answer alike ({@link #randomised}); evaluators that cannot tell say so. */
        default MaskingCheck randomness() {
            return new MaskingCheck(RANDOMISED, false, "not checked by this evaluator (run the checks in-process)");
        }
    }

    /** Runs FGSM and PGD sweeps, an unbounded PGD, Square at the largest eps and the gradient statistics; checks all. */
    public MaskingReport run(DifferentiableClassifier model, Dataset data) {
        return run(new Evaluator() {
            @Override public String modelName() { return model.name(); }
            @Override public int numClasses() { return model.numClasses(); }
            @Override public int samples() { return data.size(); }
            @Override public AttackResult run(Attack attack) { return attack.run(model, data); }
            @Override public GradientStatistics gradients() { return GradientStatistics.of(model, data); }
            @Override public MaskingCheck randomness() { return randomised(model, data); }
            @Override public boolean hasInputGradients() { return model.hasInputGradients(); }
        });
    }

    /** The checks' attacks, in the order they run: FGSM sweep, PGD sweep, Square at the largest eps, unbounded PGD. */
    public List<Attack> attacks() {
        double largest = eps[eps.length - 1];
        return List.of(FgsmAttack.linf().eps(eps),
                PgdAttack.linf().eps(eps).steps(pgdSteps).seed(seed),
                SquareAttack.linf().eps(largest).queries(squareQueries).seed(seed),
                PgdAttack.linf().eps(1.0).steps(unboundedSteps).randomStart(false));
    }

    /** {@link #run(DifferentiableClassifier, Dataset)} with the evaluations done by {@code on}. */
    public MaskingReport run(Evaluator on) {
        if (!on.hasInputGradients()) return runScoresOnly(on);
        List<Attack> attacks = attacks();
        AttackResult fgsm = on.run(attacks.get(0));
        AttackResult pgd = on.run(attacks.get(1));
        AttackResult square = on.run(attacks.get(2));
        AttackResult unbounded = on.run(attacks.get(3));
        GradientStatistics gradients = on.gradients();
        List<MaskingCheck> checks = MaskingDecisions.decide(
                new MaskingDecisions.Evidence(fgsm, pgd, square, unbounded, gradients, on.randomness()),
                eps, on.numClasses(), alpha, gradientThreshold);
        String setup = String.format(Locale.ROOT, "%d samples, Linf eps %s, PGD %d steps seed %d, Square %d queries",
                on.samples(), Arrays.toString(eps), pgdSteps, seed, squareQueries);
        return new MaskingReport(on.modelName(), setup, checks, gradients);
    }

    /** The Square sweep the score-only checks run: every eps, the checks' query budget and seed. */
    public Attack scoresOnlySweep() {
        return SquareAttack.linf().eps(eps).queries(squareQueries).seed(seed);
    }

    /**
     * A black box: a Square sweep over every eps for "accuracy rises with eps" and the randomness
     * check; the four checks that need input gradients (or a white-box attack) are not applicable.
     */
    private MaskingReport runScoresOnly(Evaluator on) {
        AttackResult square = on.run(scoresOnlySweep());
        String why = "needs input gradients; " + on.modelName() + " is a black box (scores only)";
        List<MaskingCheck> checks = List.of(MaskingDecisions.accuracyRisesWithEps(square, alpha),
                MaskingCheck.notApplicable(UNBOUNDED_ABOVE_CHANCE, why),
                MaskingCheck.notApplicable(BLACK_BOX_BEATS_WHITE_BOX, why),
                MaskingCheck.notApplicable(FGSM_BEATS_PGD, why),
                MaskingCheck.notApplicable(USELESS_GRADIENTS, why),
                on.randomness());
        String setup = String.format(Locale.ROOT, "%d samples, Linf eps %s, scores only: Square %d queries seed %d",
                on.samples(), Arrays.toString(eps), squareQueries, seed);
        return new MaskingReport(on.modelName(), setup, checks, null);
    }

    /**
     * Flags a model whose logits change between two identical calls on the same batch by more than
     * float noise ({@link MaskingDecisions#randomised}). Costs 2 x n forward evaluations.
     */
    public static MaskingCheck randomised(DifferentiableClassifier model, Dataset data) {
        return MaskingDecisions.randomised(model.logits(data.features()).toDoubleMatrix(),
                model.logits(data.features()).toDoubleMatrix());
    }
}
