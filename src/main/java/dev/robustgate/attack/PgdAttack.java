package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.event.AttackStep;
import dev.robustgate.event.EventBus;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.Predictions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Projected gradient descent, Madry et al. 2018: repeated steepest-ascent steps, each followed by
 * projection onto the eps-ball and clipping to the box, optionally from a uniform random start and
 * with restarts.
 *
 * <p>A sample leaves the batch as soon as an iterate reaches the goal, and that iterate is its
 * result: an attack that once succeeded has found an adversarial example, and the later iterates
 * it would otherwise return can only drift back (the "last iterate" convention under-reports
 * attack strength and wastes gradient evaluations). Restarts run only on the samples still standing.
 */
public final class PgdAttack extends ConfiguredAttack {
    public static final long DEFAULT_SEED = 2024L;

    private final int steps;
    private final Double stepSize;
    private final boolean randomStart;
    private final int restarts;
    private final long seed;
    private final boolean earlyStop;
    private final int eotDraws;

    private PgdAttack(AttackSettings settings, int steps, Double stepSize, boolean randomStart, int restarts, long seed,
                      boolean earlyStop, int eotDraws) {
        super(settings);
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (stepSize != null && (!Double.isFinite(stepSize) || stepSize <= 0)) {
            throw new IllegalArgumentException("step size must be a finite number > 0, got " + stepSize);
        }
        if (restarts < 1) throw new IllegalArgumentException("restarts must be >= 1, got " + restarts);
        if (restarts > 1 && !randomStart) {
            throw new IllegalArgumentException("restarts = " + restarts + " without random start would repeat the "
                    + "same deterministic run; enable randomStart()");
        }
        this.steps = steps;
        this.stepSize = stepSize;
        this.randomStart = randomStart;
        this.restarts = restarts;
        this.seed = seed;
        this.earlyStop = earlyStop;
        if (eotDraws < 1) throw new IllegalArgumentException("EOT draws must be >= 1, got " + eotDraws);
        this.eotDraws = eotDraws;
    }

    /** Linf PGD with Madry's defaults: 40 steps of 2.5 eps / steps, random start, seed {@value DEFAULT_SEED}. */
    public static PgdAttack linf() { return of(Norm.LINF); }
    public static PgdAttack l2() { return of(Norm.L2); }
    public static PgdAttack of(Norm norm) {
        return new PgdAttack(AttackSettings.of(norm), 40, null, true, 1, DEFAULT_SEED, true, 1);
    }

    public PgdAttack eps(double... eps) { return new PgdAttack(settings.withEps(eps), steps, stepSize, randomStart, restarts, seed, earlyStop, eotDraws); }
    public PgdAttack steps(int s) { return new PgdAttack(settings, s, stepSize, randomStart, restarts, seed, earlyStop, eotDraws); }
    /** Absolute step size; by default each eps uses 2.5 * eps / steps, so the walk can cross the ball and back. */
    public PgdAttack stepSize(double a) { return new PgdAttack(settings, steps, a, randomStart, restarts, seed, earlyStop, eotDraws); }
    public PgdAttack randomStart(boolean r) { return new PgdAttack(settings, steps, stepSize, r, restarts, seed, earlyStop, eotDraws); }
    public PgdAttack restarts(int r) { return new PgdAttack(settings, steps, stepSize, randomStart, r, seed, earlyStop, eotDraws); }
    public PgdAttack seed(long s) { return new PgdAttack(settings, steps, stepSize, randomStart, restarts, s, earlyStop, eotDraws); }
    public PgdAttack targeted(TargetSelection t) { return new PgdAttack(settings.withTargets(t), steps, stepSize, randomStart, restarts, seed, earlyStop, eotDraws); }
    public PgdAttack batchSize(int b) { return new PgdAttack(settings.withBatchSize(b), steps, stepSize, randomStart, restarts, seed, earlyStop, eotDraws); }

    /**
     * With early stop (the default) a sample is done at its first successful iterate. Without it,
     * every sample runs all steps and the last iterate counts, as in torchattacks and ART; use it
     * to reproduce their numbers, knowing that it can only report higher robust accuracy.
     */
    public PgdAttack earlyStop(boolean e) { return new PgdAttack(settings, steps, stepSize, randomStart, restarts, seed, e, eotDraws); }

    /**
     * Expectation over transformation: logits and gradients averaged over {@code r} draws of a
     * randomised model (Athalye et al. 2018); 1 (the default) is plain PGD.
     */
    public PgdAttack eotDraws(int r) { return new PgdAttack(settings, steps, stepSize, randomStart, restarts, seed, earlyStop, r); }

    public int steps() { return steps; }
    public int restarts() { return restarts; }
    public long seed() { return seed; }

    double stepFor(double eps) {
        return stepSize != null ? stepSize : 2.5 * eps / steps;
    }

    @Override public String name() { return "PGD-" + settings.norm().label(); }

    @Override
    protected String describeWith(String eps) {
        return name() + "(" + settings.targetsPrefix() + eps + ", "
                + steps + "x" + (stepSize != null ? AttackSettings.formatEps(stepSize) : "2.5eps/" + steps)
                + (randomStart ? ", random start" : "") + (restarts > 1 ? ", " + restarts + " restarts" : "")
                + (earlyStop ? "" : ", last iterate")
                + (eotDraws > 1 ? ", EOT " + eotDraws + " draws" : "")
                + ", seed " + seed + ")";
    }

    @Override
    protected void addParameters(Map<String, String> p) {
        p.put("steps", String.valueOf(steps));
        p.put("step size", stepSize != null ? AttackSettings.formatEps(stepSize) : "2.5 eps / steps");
        p.put("random start", String.valueOf(randomStart));
        p.put("restarts", String.valueOf(restarts));
        p.put("seed", String.valueOf(seed));
        p.put("early stop", String.valueOf(earlyStop));
        if (eotDraws > 1) p.put("eot draws", String.valueOf(eotDraws));
    }

    @Override
    public AttackResult run(DifferentiableClassifier model, Dataset data) {
        return AttackRunner.run(this, settings, steps * restarts, AttackKernel.eachEps(this::attackAt), model, data);
    }

    private BatchOutcome attackAt(DifferentiableClassifier victim, AttackBatch batch, double eps) {
        long t0 = System.nanoTime();
        DifferentiableClassifier model = ExpectationOverTransformation.of(victim, eotDraws);
        int m = batch.size();
        long d = batch.inputs().size(1);
        INDArray result = batch.inputs().dup();
        int[] pred = new int[m];
        boolean[] success = new boolean[m];
        int[] grads = new int[m];
        long forwards = 0;
        double alpha = stepFor(eps);
        Norm norm = settings.norm();

        for (int restart = 0; restart < restarts; restart++) {
            int[] rows = Rows.where(success, false);
            if (rows.length == 0) break;
            INDArray x0 = Nd4j.pullRows(batch.inputs(), 1, rows);
            int[] lossLabels = Rows.pick(batch.lossLabels(), rows);
            int[] ids = Rows.pick(batch.sampleIds(), rows);
            INDArray adv = x0.dup();
            if (randomStart) {
                adv.addi(Perturbations.randomStart(ids, d, norm, eps, seed, restart));
                Box.clipInPlace(adv);
            }
            for (int step = 1; step <= steps && rows.length > 0; step++) {
                long ts = System.nanoTime();
                int k = rows.length;
                INDArray g = model.lossGradient(adv.reshape(batch.batchShape(k)), lossLabels).reshape(k, d);
                for (int r : rows) grads[r]++;
                INDArray dir = Perturbations.steepestDirection(g, norm);
                adv.addi(dir.muli(batch.targeted() ? -alpha : alpha));
                adv = Perturbations.projectAndClip(x0, adv, norm, eps);
                boolean last = step == steps;
                if (!earlyStop && !last) {
                    EventBus.emit(new AttackStep(name(), eps, restart, step, steps, k, (System.nanoTime() - ts) / 1e9));
                    continue;
                }
                int[] p = Predictions.argMax(model.logits(adv.reshape(batch.batchShape(k))));
                forwards += k;

                List<Integer> keep = new ArrayList<>(k);
                for (int j = 0; j < k; j++) {
                    int r = rows[j];
                    boolean reached = batch.reached(r, p[j]);
                    if ((reached && earlyStop) || last) {
                        // A success is final; otherwise the last iterate stands until a later restart succeeds.
                        result.putRow(r, adv.getRow(j));
                        pred[r] = p[j];
                        success[r] = reached;
                    }
                    if (!reached || !earlyStop) keep.add(j);
                }
                if (keep.size() < k && !keep.isEmpty() && !last) {
                    int[] kept = keep.stream().mapToInt(Integer::intValue).toArray();
                    adv = Nd4j.pullRows(adv, 1, kept);
                    x0 = Nd4j.pullRows(x0, 1, kept);
                    lossLabels = Rows.pick(lossLabels, kept);
                    rows = Rows.pick(rows, kept);
                } else if (keep.isEmpty()) {
                    rows = new int[0];
                }
                EventBus.emit(new AttackStep(name(), eps, restart, step, steps, rows.length, (System.nanoTime() - ts) / 1e9));
            }
        }
        return new BatchOutcome(result, pred, success, grads, forwards, (System.nanoTime() - t0) / 1e9);
    }
}
