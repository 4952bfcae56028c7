package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.event.AttackStep;
import dev.robustgate.event.EventBus;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.Predictions;
import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

/**
 * Auto-PGD, Croce &amp; Hein 2020 ("Reliable evaluation of adversarial robustness with an ensemble of
 * diverse parameter-free attacks"): PGD without a step size to tune. The step starts at 2 eps and is
 * halved at checkpoints (after 22% of the budget, then at shrinking intervals, never shorter than 6%)
 * when the loss rose in at most rho = 75% of the steps since the last checkpoint, or when the step
 * was not halved there and the best loss has not improved since; a halving restarts from the best
 * point. Steps carry momentum 0.75. Losses: cross-entropy ({@link Loss#CE}, APGD-CE), the
 * difference of logits ratio ({@link Loss#DLR}), and, with {@link #targetClasses}, the targeted DLR
 * over the clean input's most likely other classes, one run each on the samples still standing
 * (APGD-T). Linf and L2.
 *
 * <p>A sample is done at its first misclassified (or target-reaching) iterate. Random starts are keyed
 * by (seed, sample id, eps, run), so batching never changes a result. {@link #eotDraws} averages
 * logits and gradients over draws of a randomised model (EOT, Athalye et al. 2018).
 *
 * <p>Cost per step and sample: one forward evaluation and one gradient evaluation, times the EOT draws.
 * On a model that cannot seed its backward pass at the logits
 * ({@link dev.robustgate.model.DifferentiableClassifier#seedsLogitGradient} false) a DLR gradient costs
 * 3 and a targeted DLR one 4 or 5 cross-entropy gradients (see {@link MarginLoss}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
public final class ApgdAttack extends ConfiguredAttack {
    public static final long DEFAULT_SEED = 2024L;
    private static final double MOMENTUM = 0.75;

    /** The loss ascended by an untargeted run (with {@link #targetClasses} the targeted DLR is used instead). */
    public enum Loss { CE, DLR }

    private final int steps;
    private final int restarts;
    private final Loss loss;
    private final int targetClasses;
    private final double rho;
    private final long seed;
    private final int eotDraws;

    private ApgdAttack(AttackSettings settings, int steps, int restarts, Loss loss, int targetClasses, double rho, long seed,
                       int eotDraws) {
        super(settings);
        if (settings.norm() == Norm.L0) throw new IllegalArgumentException("APGD measures Linf or L2, not L0");
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (restarts < 1) throw new IllegalArgumentException("restarts must be >= 1, got " + restarts);
        if (targetClasses < 0) throw new IllegalArgumentException("target classes must be >= 0, got " + targetClasses);
        if (targetClasses > 0 && settings.targets().isTargeted()) {
            throw new IllegalArgumentException("APGD-T chooses its own target classes: use targetClasses(n) or targeted(selection), not both");
        }
        if (!(rho > 0 && rho < 1)) throw new IllegalArgumentException("rho must be in (0, 1), got " + rho);
        if (eotDraws < 1) throw new IllegalArgumentException("EOT draws must be >= 1, got " + eotDraws);
        this.steps = steps;
        this.restarts = restarts;
        this.loss = loss;
        this.targetClasses = targetClasses;
        this.rho = rho;
        this.seed = seed;
        this.eotDraws = eotDraws;
    }

    /** APGD-CE, Linf, AutoAttack's standard settings: 100 steps, 1 restart, rho 0.75, seed {@value DEFAULT_SEED}. */
    public static ApgdAttack linf() { return of(Norm.LINF); }
    public static ApgdAttack l2() { return of(Norm.L2); }
    public static ApgdAttack of(Norm norm) {
        return new ApgdAttack(AttackSettings.of(norm), 100, 1, Loss.CE, 0, 0.75, DEFAULT_SEED, 1);
    }

    public ApgdAttack eps(double... eps) { return new ApgdAttack(settings.withEps(eps), steps, restarts, loss, targetClasses, rho, seed, eotDraws); }
    public ApgdAttack steps(int s) { return new ApgdAttack(settings, s, restarts, loss, targetClasses, rho, seed, eotDraws); }
    public ApgdAttack restarts(int r) { return new ApgdAttack(settings, steps, r, loss, targetClasses, rho, seed, eotDraws); }
    public ApgdAttack loss(Loss l) { return new ApgdAttack(settings, steps, restarts, l, targetClasses, rho, seed, eotDraws); }
    /**
     * APGD-T: the targeted DLR loss towards each of the clean input's {@code n} most likely other
     * classes in turn (AutoAttack uses 9), on the samples still standing; success is still
     * misclassification. 0 turns it off.
     */
    public ApgdAttack targetClasses(int n) { return new ApgdAttack(settings, steps, restarts, loss, n, rho, seed, eotDraws); }
    public ApgdAttack rho(double r) { return new ApgdAttack(settings, steps, restarts, loss, targetClasses, r, seed, eotDraws); }
    public ApgdAttack seed(long s) { return new ApgdAttack(settings, steps, restarts, loss, targetClasses, rho, s, eotDraws); }
    /** Averages logits and gradients over {@code r} draws of a randomised model (1: plain). */
    public ApgdAttack eotDraws(int r) { return new ApgdAttack(settings, steps, restarts, loss, targetClasses, rho, seed, r); }
    public ApgdAttack targeted(TargetSelection t) { return new ApgdAttack(settings.withTargets(t), steps, restarts, loss, targetClasses, rho, seed, eotDraws); }
    public ApgdAttack batchSize(int b) { return new ApgdAttack(settings.withBatchSize(b), steps, restarts, loss, targetClasses, rho, seed, eotDraws); }

    public int steps() { return steps; }
    public int restarts() { return restarts; }
    public int targetClasses() { return targetClasses; }

    private MarginLoss marginLoss() {
        if (targetClasses > 0) return MarginLoss.TARGETED_DLR;
        return loss == Loss.CE ? MarginLoss.CE : MarginLoss.DLR;
    }

    @Override
    public String name() {
        return "APGD-" + (targetClasses > 0 ? "T" : loss.name()) + "-" + settings.norm().label();
    }

    @Override
    protected String describeWith(String eps) {
        return name() + "(" + settings.targetsPrefix() + eps + ", " + steps + " steps"
                + (restarts > 1 ? ", " + restarts + " restarts" : "")
                + (targetClasses > 0 ? ", " + targetClasses + " target classes" : "")
                + (rho != 0.75 ? ", rho " + rho : "")
                + (eotDraws > 1 ? ", EOT " + eotDraws + " draws" : "")
                + ", seed " + seed + ")";
    }

    @Override
    protected void addParameters(Map<String, String> p) {
        p.put("steps", String.valueOf(steps));
        p.put("restarts", String.valueOf(restarts));
        p.put("loss", marginLoss().label());
        p.put("target classes", String.valueOf(targetClasses));
        p.put("rho", String.valueOf(rho));
        p.put("momentum", String.valueOf(MOMENTUM));
        p.put("eot draws", String.valueOf(eotDraws));
        p.put("seed", String.valueOf(seed));
    }

    @Override
    public AttackResult run(DifferentiableClassifier model, Dataset data) {
        int needed = marginLoss() == MarginLoss.TARGETED_DLR ? Math.max(4, targetClasses + 1) : marginLoss() == MarginLoss.DLR ? 3 : 2;
        if (model.numClasses() < needed) {
            throw new IllegalArgumentException(describe() + " needs at least " + needed + " classes, " + model.name()
                    + " has " + model.numClasses());
        }
        int runs = restarts * Math.max(1, targetClasses);
        return AttackRunner.run(this, settings, steps * runs, AttackKernel.eachEps(this::attackAt), model, data);
    }

    private BatchOutcome attackAt(DifferentiableClassifier victim, AttackBatch batch, double eps) {
        long t0 = System.nanoTime();
        DifferentiableClassifier model = eotDraws > 1 ? ExpectationOverTransformation.of(victim, eotDraws) : victim;
        ApgdRun.State state = new ApgdRun.State(batch);
        int[][] targetPlan = targetClasses > 0 ? targetPlan(model, batch, state) : null;
        int runIndex = 0;
        for (int tc = 0; tc < Math.max(1, targetClasses); tc++) {
            for (int restart = 0; restart < restarts; restart++, runIndex++) {
                int[] rows = Rows.where(state.success, false);
                if (rows.length == 0) break;
                int[] lossTargets = null;
                if (targetPlan != null) {
                    lossTargets = new int[rows.length];
                    for (int j = 0; j < rows.length; j++) lossTargets[j] = targetPlan[rows[j]][tc];
                } else if (batch.targeted()) {
                    lossTargets = Rows.pick(batch.targets(), rows);
                }
                new ApgdRun(this.name(), model, batch, eps, settings.norm(), marginLoss(), steps, rho, MOMENTUM,
                        seed, runIndex, rows, lossTargets).run(state);
            }
        }
        return new BatchOutcome(state.result, state.pred, state.success, state.grads, state.forwards, (System.nanoTime() - t0) / 1e9);
    }

    /** Per row, the clean input's {@code targetClasses} most likely classes other than the label, most likely first. */
    private int[][] targetPlan(DifferentiableClassifier model, AttackBatch batch, ApgdRun.State state) {
        int m = batch.size();
        double[][] z = model.logits(batch.inputs().reshape(batch.batchShape(m))).toDoubleMatrix();
        state.forwards += m;
        return Logits.likeliestOthers(z, batch.labels(), targetClasses);
    }

    static void emitStep(String name, double eps, int run, int step, int steps, int standing, double seconds) {
        EventBus.emit(new AttackStep(name, eps, run, step, steps, standing, seconds));
    }

    static int[] predict(DifferentiableClassifier model, INDArray flat, AttackBatch batch) {
        return Predictions.argMax(model.logits(flat.reshape(batch.batchShape(flat.size(0)))));
    }

    static INDArray column(double[] v, INDArray like) {
        return Nd4j.createFromArray(v).castTo(like.dataType()).reshape(v.length, 1);
    }
}
