package dev.robustgate.attack;

import dev.robustgate.model.DifferentiableClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One APGD run (one restart, one target class) over the rows of a batch still standing, split along
 * the algorithm: random start, momentum step, evaluation (early stop on success), and the checkpoint
 * that halves the step and restarts from the best point. Rows leave the working arrays as they
 * succeed; per-row state (step size, best loss, increases since the checkpoint) lives in arrays
 * indexed by the row's place in the run.
 */
final class ApgdRun {
    /** What the runs of one batch at one eps accumulate. */
    static final class State {
        final INDArray result;
        final int[] pred;
        final boolean[] success;
        final int[] grads;
        long forwards;

        State(AttackBatch batch) {
            int m = batch.size();
            result = batch.inputs().dup();
            pred = batch.labels().clone();
            success = new boolean[m];
            grads = new int[m];
        }
    }

    private static final double LOSS_TOLERANCE = 1e-5;

    private final String name;
    private final DifferentiableClassifier model;
    private final AttackBatch batch;
    private final double eps;
    private final Norm norm;
    private final MarginLoss loss;
    private final int steps;
    private final double rho;
    private final double momentum;
    private final long seed;
    private final int runIndex;

    /** Batch rows of the run's places; shrinks as rows succeed (live places in {@link #live}). */
    private int[] live;
    private final int[] batchRows;
    private final int[] labels;
    private final int[] lossTargets;
    private final double[] stepSize;
    private final double[] lossBest;
    private final double[] lossPrev;
    private final double[] lossBestAtCheck;
    private final boolean[] reducedAtCheck;
    private final int[] increases;

    private INDArray x0, x, xOld, xBest, grad, gradBest;

    ApgdRun(String name, DifferentiableClassifier model, AttackBatch batch, double eps, Norm norm, MarginLoss loss, int steps,
            double rho, double momentum, long seed, int runIndex, int[] rows, int[] lossTargets) {
        this.name = name;
        this.model = model;
        this.batch = batch;
        this.eps = eps;
        this.norm = norm;
        this.loss = loss;
        this.steps = steps;
        this.rho = rho;
        this.momentum = momentum;
        this.seed = seed;
        this.runIndex = runIndex;
        int k = rows.length;
        this.batchRows = rows.clone();
        this.labels = Rows.pick(batch.labels(), rows);
        this.lossTargets = lossTargets;
        this.live = new int[k];
        for (int j = 0; j < k; j++) live[j] = j;
        this.stepSize = new double[k];
        java.util.Arrays.fill(stepSize, 2 * eps);
        this.lossBest = new double[k];
        this.lossPrev = new double[k];
        this.lossBestAtCheck = new double[k];
        this.reducedAtCheck = new boolean[k];
        java.util.Arrays.fill(reducedAtCheck, true);
        this.increases = new int[k];
    }

    void run(State state) {
        x0 = Nd4j.pullRows(batch.inputs(), 1, batchRows);
        x = randomStart();
        xOld = x.dup();
        if (!evaluate(state, true)) return;  // the start: loss, best point and first gradient
        int checkpoint = Math.max((int) (0.22 * steps), 1);
        int minInterval = Math.max((int) (0.06 * steps), 1);
        int decrease = Math.max((int) (0.03 * steps), 1);
        int sinceCheck = 0;
        for (int i = 0; i < steps; i++) {
            long ts = System.nanoTime();
            step(i == 0 ? 1.0 : momentum);
            if (!evaluate(state, i < steps - 1)) break;
            if (++sinceCheck == checkpoint) {
                checkpoint(checkpoint);
                checkpoint = Math.max(checkpoint - decrease, minInterval);
                sinceCheck = 0;
            }
            ApgdAttack.emitStep(name, eps, runIndex, i + 1, steps, live.length, (System.nanoTime() - ts) / 1e9);
        }
        // Rows that never succeeded report their highest-loss point (still correctly classified there).
        for (int j = 0; j < live.length; j++) {
            state.result.putRow(batchRows[live[j]], xBest.getRow(j));
        }
    }

    /**
     * A uniform direction scaled to the sphere of radius eps: Linf, eps * t / max|t| with t uniform in
     * [-1, 1]^D; L2, eps * g / ||g|| with g Gaussian. Keyed by (seed, sample id, eps, run).
     */
    private INDArray randomStart() {
        int k = batchRows.length;
        int d = Math.toIntExact(x0.size(1));
        float[] buf = new float[k * d];
        for (int j = 0; j < k; j++) {
            SplittableRandom rnd = batch.random(seed, batchRows[j], Double.doubleToLongBits(eps) * 31 + 0xA96DL * (runIndex + 1));
            double[] t = Perturbations.onSphere(rnd, d, norm, eps);
            for (int c = 0; c < d; c++) buf[j * d + c] = (float) t[c];
        }
        INDArray start = Nd4j.create(buf, new long[]{k, d}).castTo(x0.dataType()).addi(x0);
        return Perturbations.projectAndClip(x0, start, norm, eps);
    }

    /** x + step * direction, projected; then the momentum mix with the previous step, projected again. */
    private void step(double a) {
        INDArray dir = Perturbations.steepestDirection(grad.dup(), norm);
        double[] s = new double[live.length];
        for (int j = 0; j < live.length; j++) s[j] = stepSize[live[j]];
        INDArray z = Perturbations.projectAndClip(x0, dir.muliColumnVector(ApgdAttack.column(s, dir)).addi(x), norm, eps);
        INDArray momentumTerm = x.sub(xOld).muli(1 - a);
        INDArray next = z.subi(x).muli(a).addi(x).addi(momentumTerm);
        xOld = x;
        x = Perturbations.projectAndClip(x0, next, norm, eps);
    }

    /**
     * Predicts at x; successes are final and leave the run. For the rest: the loss, the best point
     * so far, and the gradient for the next step (skipped after the last step). False when no row is left.
     */
    private boolean evaluate(State state, boolean needGradient) {
        int k = live.length;
        INDArray shaped = x.reshape(batch.batchShape(k));
        double[][] z = model.logits(shaped).toDoubleMatrix();
        state.forwards += k;
        List<Integer> keep = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            int r = batchRows[live[j]];
            int p = Logits.top(z[j]);
            if (batch.reached(r, p)) {
                state.success[r] = true;
                state.pred[r] = p;
                state.result.putRow(r, x.getRow(j));
            } else {
                keep.add(j);
            }
        }
        if (keep.isEmpty()) {
            live = new int[0];
            return false;
        }
        if (keep.size() < k) shrink(keep.stream().mapToInt(Integer::intValue).toArray(), z);
        k = live.length;
        z = keep.size() < z.length ? pick(z, keep) : z;
        int[] lab = new int[k];
        int[] tgt = lossTargets == null ? null : new int[k];
        for (int j = 0; j < k; j++) {
            lab[j] = labels[live[j]];
            if (tgt != null) tgt[j] = lossTargets[live[j]];
        }
        double[] values = loss.values(z, lab, tgt);
        if (needGradient) {
            MarginLoss.Gradient g = loss.gradient(model, x.reshape(batch.batchShape(k)), z, lab, tgt);
            for (int j = 0; j < k; j++) state.grads[batchRows[live[j]]] += g.callsPerRow();
            grad = g.value();
        }
        if (xBest == null) {
            xBest = x.dup();
            gradBest = grad.dup();
            for (int j = 0; j < k; j++) {
                lossBest[live[j]] = values[j];
                lossPrev[live[j]] = values[j];
                lossBestAtCheck[live[j]] = values[j];
            }
            return true;
        }
        for (int j = 0; j < k; j++) {
            int p = live[j];
            if (rises(values[j], lossPrev[p])) increases[p]++;
            lossPrev[p] = values[j];
            if (rises(values[j], lossBest[p])) {
                lossBest[p] = values[j];
                xBest.putRow(j, x.getRow(j));
                if (needGradient) gradBest.putRow(j, grad.getRow(j));
            }
        }
        return true;
    }

    /**
     * Halves the step of rows whose loss rose in at most rho of the steps since the last checkpoint,
     * or whose step was not halved there and whose best loss has not improved since; those rows
     * restart from their best point.
     */
    private void checkpoint(int interval) {
        for (int j = 0; j < live.length; j++) {
            int p = live[j];
            boolean oscillating = increases[p] <= interval * rho;
            boolean stalled = !reducedAtCheck[p] && lossBestAtCheck[p] >= lossBest[p];
            boolean reduce = oscillating || stalled;
            reducedAtCheck[p] = reduce;
            lossBestAtCheck[p] = lossBest[p];
            increases[p] = 0;
            if (reduce) {
                stepSize[p] /= 2;
                x.putRow(j, xBest.getRow(j));
                grad.putRow(j, gradBest.getRow(j));
            }
        }
    }

    /**
     * A loss counts as higher only beyond float32 rounding: the model's logits for a sample differ by
     * up to 1.1e-6 between batch sizes (measured on the small MLP, 16 vs 8 rows), and at the corners
     * of the Linf ball successive losses are often equal, so an exact comparison let the batch decide
     * a halving (a sample's adversarial moved by 0.011 between batchings).
     */
    private static boolean rises(double value, double than) {
        return value > than + LOSS_TOLERANCE * Math.max(1, Math.abs(than));
    }

    private void shrink(int[] kept, double[][] z) {
        x = Nd4j.pullRows(x, 1, kept);
        xOld = Nd4j.pullRows(xOld, 1, kept);
        x0 = Nd4j.pullRows(x0, 1, kept);
        if (grad != null) grad = Nd4j.pullRows(grad, 1, kept);
        if (xBest != null) {
            xBest = Nd4j.pullRows(xBest, 1, kept);
            gradBest = Nd4j.pullRows(gradBest, 1, kept);
        }
        live = Rows.pick(live, kept);
    }

    private static double[][] pick(double[][] z, List<Integer> keep) {
        double[][] out = new double[keep.size()][];
        for (int j = 0; j < out.length; j++) out[j] = z[keep.get(j)];
        return out;
    }

}
