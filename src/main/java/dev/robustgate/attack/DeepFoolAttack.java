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
 * DeepFool (L2), Moosavi-Dezfooli et al. 2016: a minimal-perturbation attack. At each step the
 * classifier is linearised around the iterate and the iterate moves to the nearest linearised
 * decision boundary among the candidate classes; the accumulated step is scaled by (1 + overshoot)
 * to cross it. One unbounded search per sample gives its minimal distance, and from it the result
 * at every eps (an adversarial counts at eps when its distance is at most eps), so a sweep costs
 * the same as one eps. Deterministic (no random choice), untargeted only.
 *
 * <p>Cost per step and sample: {@code candidates} gradient evaluations (the label's cross-entropy
 * gradient and one per other candidate class) and one forward evaluation.
 */
public final class DeepFoolAttack extends ConfiguredAttack {
    private static final double TINY = 1e-8;

    private final int steps;
    private final double overshoot;
    private final int candidates;

    private DeepFoolAttack(AttackSettings settings, int steps, double overshoot, int candidates) {
        super(settings);
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (!Double.isFinite(overshoot) || overshoot < 0) {
            throw new IllegalArgumentException("overshoot must be a finite number >= 0, got " + overshoot);
        }
        if (candidates < 2) throw new IllegalArgumentException("candidates must be >= 2 (the label and one other class), got " + candidates);
        this.steps = steps;
        this.overshoot = overshoot;
        this.candidates = candidates;
    }

    /** DeepFool-L2 with the paper's defaults: 50 steps, overshoot 0.02, the 10 most likely classes as candidates. */
    public static DeepFoolAttack l2() {
        return new DeepFoolAttack(AttackSettings.of(Norm.L2), 50, 0.02, 10);
    }

    public DeepFoolAttack eps(double... eps) { return new DeepFoolAttack(settings.withEps(eps), steps, overshoot, candidates); }
    public DeepFoolAttack steps(int s) { return new DeepFoolAttack(settings, s, overshoot, candidates); }
    public DeepFoolAttack overshoot(double o) { return new DeepFoolAttack(settings, steps, o, candidates); }
    /** How many of the clean input's most likely classes (the label included) are candidate boundaries. */
    public DeepFoolAttack candidates(int c) { return new DeepFoolAttack(settings, steps, overshoot, c); }
    public DeepFoolAttack batchSize(int b) { return new DeepFoolAttack(settings.withBatchSize(b), steps, overshoot, candidates); }

    @Override public String name() { return "DeepFool-L2"; }

    @Override
    protected String describeWith(String eps) {
        return name() + "(" + eps + ", " + steps + " steps, overshoot " + overshoot + ", " + candidates + " candidates)";
    }

    @Override
    protected void addParameters(Map<String, String> p) {
        p.put("steps", String.valueOf(steps));
        p.put("overshoot", String.valueOf(overshoot));
        p.put("candidates", String.valueOf(candidates));
    }

    @Override
    public AttackResult run(DifferentiableClassifier model, Dataset data) {
        return AttackRunner.run(this, settings, steps * Math.min(candidates, model.numClasses()), this::attackBatch,
                model, data);
    }

    private List<BatchOutcome> attackBatch(DifferentiableClassifier model, AttackBatch batch, double[] eps) {
        long t0 = System.nanoTime();
        int m = batch.size();
        long d = batch.inputs().size(1);
        int c = Math.min(candidates, model.numClasses());
        INDArray x0All = batch.inputs();
        int[] labels = batch.labels();
        // Candidate classes per row, most likely first, from the clean logits (the label is excluded here).
        INDArray cleanLogits = model.logits(x0All.reshape(batch.batchShape(m)));
        long forwards = m;
        int[][] others = new int[m][];
        for (int i = 0; i < m; i++) others[i] = topOthers(cleanLogits.getRow(i, true), labels[i], c - 1);

        INDArray best = x0All.dup();
        boolean[] found = new boolean[m];
        int[] bestPred = labels.clone();
        int[] grads = new int[m];

        int[] rows = new int[m];
        for (int i = 0; i < m; i++) rows[i] = i;
        // Neither is written in place: a step makes a new adv, and shrinking pulls copies.
        INDArray x0 = x0All;
        INDArray rTotal = Nd4j.zeros(x0.dataType(), m, d);
        INDArray adv = x0;
        for (int step = 0; step <= steps && rows.length > 0; step++) {
            long ts = System.nanoTime();
            int k = rows.length;
            INDArray logits = step == 0 ? Nd4j.pullRows(cleanLogits, 1, rows) : model.logits(adv.reshape(batch.batchShape(k)));
            if (step > 0) forwards += k;
            int[] pred = Predictions.argMax(logits);
            List<Integer> keep = new ArrayList<>(k);
            for (int j = 0; j < k; j++) {
                int r = rows[j];
                if (pred[j] != labels[r]) {
                    found[r] = true;
                    bestPred[r] = pred[j];
                    best.putRow(r, adv.getRow(j));
                } else {
                    keep.add(j);
                }
            }
            if (keep.isEmpty() || step == steps) break;
            if (keep.size() < k) {
                int[] kept = keep.stream().mapToInt(Integer::intValue).toArray();
                rows = Rows.pick(rows, kept);
                x0 = Nd4j.pullRows(x0, 1, kept);
                rTotal = Nd4j.pullRows(rTotal, 1, kept);
                adv = Nd4j.pullRows(adv, 1, kept);
                logits = Nd4j.pullRows(logits, 1, kept);
                k = rows.length;
            }
            int[] lab = Rows.pick(labels, rows);
            INDArray xs = adv.reshape(batch.batchShape(k));
            INDArray gLabel = model.lossGradient(xs, lab).reshape(k, d);
            double[][] z = logits.toDoubleMatrix();
            // The nearest linearised boundary: min over candidates of |f_j| / ||w_j||, f_j = z_j - z_label.
            double[] bestRatio = new double[k];
            java.util.Arrays.fill(bestRatio, Double.POSITIVE_INFINITY);
            INDArray step_ = Nd4j.zeros(adv.dataType(), k, d);
            double[] stay = new double[k], scale = new double[k];
            for (int o = 0; o < c - 1; o++) {
                int[] cls = new int[k];
                for (int j = 0; j < k; j++) cls[j] = others[rows[j]][o];
                INDArray w = model.lossGradient(xs, cls).reshape(k, d).rsubi(gLabel); // grad (z_cls - z_label)
                double[] wNorm = w.norm2(1).toDoubleVector();
                for (int j = 0; j < k; j++) {
                    double ratio = (Math.abs(z[j][cls[j]] - z[j][lab[j]]) + 1e-4) / (wNorm[j] + TINY);
                    boolean closer = ratio < bestRatio[j];
                    if (closer) bestRatio[j] = ratio;
                    stay[j] = closer ? 0 : 1;
                    scale[j] = closer ? ratio / (wNorm[j] + TINY) : 0;
                }
                // Rows whose candidate is nearer take its step; the others keep theirs. One pass over
                // the batch instead of a row copy per improvement.
                step_.muliColumnVector(column(stay, step_)).addi(w.muliColumnVector(column(scale, w)));
            }
            for (int r : rows) grads[r] += c;
            rTotal.addi(step_);
            adv = Box.clipInPlace(rTotal.mul(1 + overshoot).addi(x0));
            EventBus.emit(new AttackStep(name(), Double.POSITIVE_INFINITY, 0, step + 1, steps, k, (System.nanoTime() - ts) / 1e9));
        }
        return MinimalAdversarials.atEachEps(batch, settings.norm(), eps, best, found, bestPred, grads, forwards,
                (System.nanoTime() - t0) / 1e9);
    }

    private static INDArray column(double[] v, INDArray like) {
        return Nd4j.createFromArray(v).castTo(like.dataType()).reshape(v.length, 1);
    }

    /** The {@code n} classes other than {@code label} with the highest logits, highest first. */
    static int[] topOthers(INDArray logitsRow, int label, int n) {
        double[] z = logitsRow.toDoubleVector();
        Integer[] idx = new Integer[z.length];
        for (int i = 0; i < z.length; i++) idx[i] = i;
        java.util.Arrays.sort(idx, (a, b) -> Double.compare(z[b], z[a]));
        int[] out = new int[n];
        int k = 0;
        for (int i = 0; i < idx.length && k < n; i++) if (idx[i] != label) out[k++] = idx[i];
        return out;
    }
}
