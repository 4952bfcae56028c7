package dev.robustgate.attack;

import dev.robustgate.model.DifferentiableClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * FAB-T's search over one batch: the best (closest misclassified) point per row across runs, and one
 * run per target class and restart, split into its steps: linearise, project, mix, and keep or
 * shrink. Rows are per-sample independent except for the model's batched calls.
 */
final class FabSearch {
    private static final double TINY = 1e-8;

    private final String name;
    private final DifferentiableClassifier model;
    private final AttackBatch batch;
    private final Norm norm;
    private final int steps;
    private final long seed;
    private final double maxEps;
    private final double[][] x0;
    private final double[][] best;
    private final double[] bestDist;
    private final boolean[] found;
    private final int[] bestPred;
    private final int[] grads;
    private long forwards;

    FabSearch(String name, DifferentiableClassifier model, AttackBatch batch, Norm norm, int steps, long seed, double maxEps) {
        this.name = name;
        this.model = model;
        this.batch = batch;
        this.norm = norm;
        this.steps = steps;
        this.seed = seed;
        this.maxEps = maxEps;
        int m = batch.size();
        this.x0 = batch.inputs().toDoubleMatrix();
        this.best = new double[m][];
        this.bestDist = new double[m];
        java.util.Arrays.fill(bestDist, Double.POSITIVE_INFINITY);
        this.found = new boolean[m];
        this.bestPred = batch.labels().clone();
        this.grads = new int[m];
    }

    /** Per row, the clean input's {@code n} most likely classes other than the label. */
    int[][] targetPlan(int n) {
        int m = batch.size();
        double[][] z = model.logits(batch.inputs().reshape(batch.batchShape(m))).toDoubleMatrix();
        forwards += m;
        return Logits.likeliestOthers(z, batch.labels(), n);
    }

    /** Rows whose best distance so far is above {@code eps} (or that have none). */
    int[] stillAbove(double eps) {
        boolean[] done = new boolean[bestDist.length];
        for (int i = 0; i < done.length; i++) done[i] = found[i] && bestDist[i] <= eps;
        return Rows.where(done, false);
    }

    void run(int[] rows, int[] targets, boolean randomStart, int runIndex) {
        int k = rows.length;
        int[] labels = Rows.pick(batch.labels(), rows);
        double[][] x = new double[k][];
        for (int j = 0; j < k; j++) x[j] = randomStart ? randomStart(rows[j], runIndex) : x0[rows[j]].clone();
        for (int step = 0; step < steps; step++) {
            long ts = System.nanoTime();
            double[][] w = new double[k][];
            double[] f = linearise(x, labels, targets, w);
            for (int j = 0; j < k; j++) x[j] = move(x[j], x0[rows[j]], w[j], f[j]);
            keepOrShrink(rows, labels, x);
            for (int r : rows) grads[r] += LogitGradients.differenceCost(model);
            ApgdAttack.emitStep(name, Double.POSITIVE_INFINITY, runIndex, step + 1, steps, k, (System.nanoTime() - ts) / 1e9);
        }
    }

    /** f = z_y - z_t at x and its gradient w = grad (z_y - z_t), per row. */
    private double[] linearise(double[][] x, int[] labels, int[] targets, double[][] w) {
        int k = x.length;
        INDArray flat = toArray(x);
        double[][] z = model.logits(flat.reshape(batch.batchShape(k))).toDoubleMatrix();
        forwards += k;
        INDArray g = LogitGradients.ofDifference(model, flat, batch.batchShape(k), labels, targets);
        double[][] gm = g.toDoubleMatrix();
        double[] f = new double[k];
        for (int j = 0; j < k; j++) {
            f[j] = z[j][labels[j]] - z[j][targets[j]];
            w[j] = gm[j];
        }
        return f;
    }

    /** Projects x and the original onto the linearised boundary (inside the box) and mixes the two steps. */
    private double[] move(double[] x, double[] orig, double[] w, double f) {
        double b = -f;
        for (int i = 0; i < x.length; i++) b += w[i] * x[i];
        double[] dx = BoxedHyperplane.step(x, w, b, norm);
        double[] d0 = BoxedHyperplane.step(orig, w, b, norm);
        double ax = Math.max(distance(dx, null, norm), TINY);
        double a0 = Math.max(distance(d0, null, norm), TINY);
        double alpha = Math.min(Math.max(ax / (ax + a0), 0), FabAttack.ALPHA_MAX);
        double[] next = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = (x[i] + FabAttack.ETA * dx[i]) * (1 - alpha) + (orig[i] + FabAttack.ETA * d0[i]) * alpha;
            next[i] = Math.min(Box.MAX, Math.max(Box.MIN, v));
        }
        return next;
    }

    /** Misclassified rows: kept when closest so far, then pulled back towards the original by beta. */
    private void keepOrShrink(int[] rows, int[] labels, double[][] x) {
        int k = rows.length;
        double[][] z = model.logits(toArray(x).reshape(batch.batchShape(k))).toDoubleMatrix();
        forwards += k;
        for (int j = 0; j < k; j++) {
            int p = Logits.top(z[j]);
            if (p == labels[j]) continue;
            int r = rows[j];
            double dist = distance(x[j], x0[r], norm);
            if (dist < bestDist[r]) {
                bestDist[r] = dist;
                best[r] = x[j].clone();
                bestPred[r] = p;
                found[r] = true;
            }
            for (int i = 0; i < x[j].length; i++) x[j][i] = x0[r][i] + (x[j][i] - x0[r][i]) * FabAttack.BETA;
        }
    }

    private double[] randomStart(int row, int runIndex) {
        double radius = 0.5 * Math.min(bestDist[row], maxEps);
        SplittableRandom rnd = batch.random(seed, row, 0xFABL * 31 + runIndex);
        double[] x = Perturbations.onSphere(rnd, x0[row].length, norm, radius);
        for (int i = 0; i < x.length; i++) x[i] = Math.min(Box.MAX, Math.max(Box.MIN, x0[row][i] + x[i]));
        return x;
    }

    static double distance(double[] a, double[] b, Norm norm) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double v = Math.abs(a[i] - (b == null ? 0 : b[i]));
            s = norm == Norm.LINF ? Math.max(s, v) : s + v * v;
        }
        return norm == Norm.LINF ? s : Math.sqrt(s);
    }

    INDArray best() {
        int m = x0.length;
        double[][] out = new double[m][];
        for (int i = 0; i < m; i++) out[i] = found[i] ? best[i] : x0[i];
        return Nd4j.createFromArray(out).castTo(batch.inputs().dataType());
    }

    boolean[] found() { return found.clone(); }
    int[] bestPredictions() { return bestPred.clone(); }
    int[] gradientEvaluations() { return grads.clone(); }
    long forwardEvaluations() { return forwards; }

    private INDArray toArray(double[][] x) {
        return Nd4j.createFromArray(x).castTo(batch.inputs().dataType());
    }

}
