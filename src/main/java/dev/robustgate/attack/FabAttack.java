package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.DifferentiableClassifier;
import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/**
 * FAB-T, the targeted fast adaptive boundary attack (Croce &amp; Hein 2020, "Minimally distorted
 * adversarial examples with a fast adaptive boundary attack"): a minimal-perturbation attack in Linf
 * or L2 beside DeepFool and C&amp;W. Per target class (the clean input's most likely other classes in
 * turn) the boundary z_y = z_t is linearised at the iterate; the iterate and the original are both
 * projected onto that hyperplane inside the box ({@link BoxedHyperplane}), and the next iterate is
 * their mix (biased towards the original by alpha = ||d_x|| / (||d_x|| + ||d_orig||), at most
 * {@value #ALPHA_MAX}), extrapolated by eta = {@value #ETA}. A misclassified iterate is kept when it
 * is the closest so far and then pulled back towards the original by beta = {@value #BETA}, so the
 * search keeps shrinking the perturbation. Success is misclassification, as in AutoAttack.
 *
 * <p>One unbounded search per sample scored at every eps (its minimal distance counts where it is at
 * most eps). A sample moves on to the next target class only while its best distance exceeds the
 * largest eps evaluated (AutoAttack's rule), so the reported distances are minimal over the target
 * classes tried. Restarts after the first start from a random point of the ball of half the best
 * distance so far (capped at the largest eps), keyed by (seed, sample id, run).
 *
 * <p>Cost per step and sample: 2 forward evaluations and one gradient evaluation, grad (z_y - z_t) as
 * one logit-gradient pass (two cross-entropy gradients on a model that cannot seed its backward pass,
 * see {@link dev.robustgate.model.DifferentiableClassifier#seedsLogitGradient}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
public final class FabAttack extends ConfiguredAttack {
    public static final long DEFAULT_SEED = 2024L;
    static final double ALPHA_MAX = 0.1;
    static final double ETA = 1.05;
    static final double BETA = 0.9;

    private final int steps;
    private final int restarts;
    private final int targetClasses;
    private final long seed;

    private FabAttack(AttackSettings settings, int steps, int restarts, int targetClasses, long seed) {
        super(settings);
        if (settings.norm() == Norm.L0) throw new IllegalArgumentException("FAB here measures Linf or L2, not L0");
        if (settings.targets().isTargeted()) {
            throw new IllegalArgumentException("FAB-T chooses its own target classes (targetClasses(n)); success is misclassification");
        }
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (restarts < 1) throw new IllegalArgumentException("restarts must be >= 1, got " + restarts);
        if (targetClasses < 1) throw new IllegalArgumentException("target classes must be >= 1, got " + targetClasses);
        this.steps = steps;
        this.restarts = restarts;
        this.targetClasses = targetClasses;
        this.seed = seed;
    }

    /** FAB-T Linf with AutoAttack's standard settings: 100 steps, 1 restart, 9 target classes. */
    public static FabAttack linf() { return of(Norm.LINF); }
    public static FabAttack l2() { return of(Norm.L2); }
    public static FabAttack of(Norm norm) {
        return new FabAttack(AttackSettings.of(norm), 100, 1, 9, DEFAULT_SEED);
    }

    public FabAttack eps(double... eps) { return new FabAttack(settings.withEps(eps), steps, restarts, targetClasses, seed); }
    public FabAttack steps(int s) { return new FabAttack(settings, s, restarts, targetClasses, seed); }
    public FabAttack restarts(int r) { return new FabAttack(settings, steps, r, targetClasses, seed); }
    public FabAttack targetClasses(int n) { return new FabAttack(settings, steps, restarts, n, seed); }
    public FabAttack seed(long s) { return new FabAttack(settings, steps, restarts, targetClasses, s); }
    public FabAttack batchSize(int b) { return new FabAttack(settings.withBatchSize(b), steps, restarts, targetClasses, seed); }

    @Override public String name() { return "FAB-T-" + settings.norm().label(); }

    @Override
    protected String describeWith(String eps) {
        return name() + "(" + eps + ", " + steps + " steps, " + targetClasses + " target classes"
                + (restarts > 1 ? ", " + restarts + " restarts" : "") + ", seed " + seed + ")";
    }

    @Override
    protected void addParameters(Map<String, String> p) {
        p.put("steps", String.valueOf(steps));
        p.put("restarts", String.valueOf(restarts));
        p.put("target classes", String.valueOf(targetClasses));
        p.put("alpha max", String.valueOf(ALPHA_MAX));
        p.put("eta", String.valueOf(ETA));
        p.put("beta", String.valueOf(BETA));
        p.put("seed", String.valueOf(seed));
    }

    @Override
    public AttackResult run(DifferentiableClassifier model, Dataset data) {
        if (model.numClasses() < targetClasses + 1) {
            throw new IllegalArgumentException(describe() + " needs at least " + (targetClasses + 1) + " classes, "
                    + model.name() + " has " + model.numClasses());
        }
        return AttackRunner.run(this, settings, steps * restarts * targetClasses, this::attackBatch, model, data);
    }

    private List<BatchOutcome> attackBatch(DifferentiableClassifier model, AttackBatch batch, double[] eps) {
        long t0 = System.nanoTime();
        double maxEps = 0;
        for (double e : eps) maxEps = Math.max(maxEps, e);
        FabSearch search = new FabSearch(name(), model, batch, settings.norm(), steps, seed, maxEps);
        int[][] plan = search.targetPlan(targetClasses);
        int run = 0;
        for (int tc = 0; tc < targetClasses; tc++) {
            for (int restart = 0; restart < restarts; restart++, run++) {
                int[] rows = search.stillAbove(maxEps);
                if (rows.length == 0) break;
                int[] targets = new int[rows.length];
                for (int j = 0; j < rows.length; j++) targets[j] = plan[rows[j]][tc];
                search.run(rows, targets, restart > 0, run);
            }
        }
        return MinimalAdversarials.atEachEps(batch, settings.norm(), eps, search.best(), search.found(), search.bestPredictions(),
                search.gradientEvaluations(), search.forwardEvaluations(), (System.nanoTime() - t0) / 1e9);
    }
}
