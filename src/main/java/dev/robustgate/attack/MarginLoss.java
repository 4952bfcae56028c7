package dev.robustgate.attack;

import dev.robustgate.model.DifferentiableClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;


/**
 * The losses APGD ascends (Croce &amp; Hein 2020), per row, with their input gradients.
 *
 * <ul>
 *   <li>CE: cross-entropy of the label (untargeted), or minus that of the target (targeted).</li>
 *   <li>DLR: -(z_y - max_{i != y} z_i) / (z_pi1 - z_pi3), shift and scale invariant in the logits.</li>
 *   <li>targeted DLR: -(z_y - z_t) / (z_pi1 - (z_pi3 + z_pi4) / 2), pi the logits sorted descending.</li>
 * </ul>
 *
 * A DLR loss is a function of the logits whose gradient there, w, sums to 0 over the classes, so its
 * input gradient is one {@link DifferentiableClassifier#logitGradient} call: one backward pass on
 * models that seed it (DL4J networks run op by op, ONNX and Keras graphs), else one cross-entropy
 * gradient per class w involves (3 for DLR, 4 or 5 for targeted DLR), each counted.
 */
enum MarginLoss {
    CE("CE"), DLR("DLR"), TARGETED_DLR("DLR-T");

    private static final double TINY = 1e-12;
    private final String label;

    MarginLoss(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    /**
     * Loss per row at the given logits [k, K]. {@code targets} is null for CE and DLR untargeted; for
     * CE with targets it is minus the targets' cross-entropy; TARGETED_DLR needs targets.
     */
    double[] values(double[][] z, int[] labels, int[] targets) {
        double[] out = new double[z.length];
        for (int i = 0; i < z.length; i++) out[i] = value(z[i], labels[i], targets == null ? -1 : targets[i]);
        return out;
    }

    private double value(double[] z, int y, int t) {
        if (this == CE) {
            double lse = logSumExp(z);
            return t < 0 ? lse - z[y] : -(lse - z[t]);
        }
        int[] pi = Logits.descending(z);
        if (this == DLR) {
            double other = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < z.length; c++) if (c != y) other = Math.max(other, z[c]);
            return -(z[y] - other) / (z[pi[0]] - z[pi[2]] + TINY);
        }
        return -(z[y] - z[t]) / (z[pi[0]] - (z[pi[2]] + z[pi[3]]) / 2 + TINY);
    }

    /** An input gradient and how many gradient evaluations each row took for it. */
    record Gradient(INDArray value, int callsPerRow) {}

    /** d loss / d input per row, flat [k, D], at {@code x} (shaped as the model takes it) with logits {@code z}. */
    Gradient gradient(DifferentiableClassifier model, INDArray x, double[][] z, int[] labels, int[] targets) {
        int k = z.length;
        long d = x.length() / k;
        if (this == CE) {
            INDArray g = model.lossGradient(x, targets == null ? labels : targets).reshape(k, d);
            return new Gradient(targets == null ? g : g.negi(), 1);
        }
        // Per row: logit weights w (summing to 0) with grad loss = sum_c w_c grad z_c, one vector-Jacobian product.
        double[][] w = new double[k][];
        int slots = 0;
        for (int i = 0; i < k; i++) {
            w[i] = logitWeights(z[i], labels[i], targets == null ? -1 : targets[i]);
            int weighted = 0;
            for (double v : w[i]) if (v != 0.0) weighted++;
            slots = Math.max(slots, weighted);
        }
        INDArray g = model.logitGradient(x, Nd4j.createFromArray(w).castTo(x.dataType())).reshape(k, d);
        return new Gradient(g, model.seedsLogitGradient() ? 1 : slots);
    }

    /** d loss / d logits of the DLR losses (see the class comment), summed per class. */
    private double[] logitWeights(double[] z, int y, int t) {
        int[] pi = Logits.descending(z);
        double[] w = new double[z.length];
        if (this == DLR) {
            int other = pi[0] == y ? pi[1] : pi[0];
            double num = z[y] - z[other];
            double den = z[pi[0]] - z[pi[2]] + TINY;
            // loss = -num/den: d/dz = -(dnum)/den + num * (dden) / den^2
            w[y] -= 1 / den;
            w[other] += 1 / den;
            w[pi[0]] += num / (den * den);
            w[pi[2]] -= num / (den * den);
        } else {
            double num = z[y] - z[t];
            double den = z[pi[0]] - (z[pi[2]] + z[pi[3]]) / 2 + TINY;
            w[y] -= 1 / den;
            w[t] += 1 / den;
            w[pi[0]] += num / (den * den);
            w[pi[2]] -= num / (2 * den * den);
            w[pi[3]] -= num / (2 * den * den);
        }
        return w;
    }

    private static double logSumExp(double[] z) {
        double m = Double.NEGATIVE_INFINITY;
        for (double v : z) m = Math.max(m, v);
        double s = 0;
        for (double v : z) s += Math.exp(v - m);
        return m + Math.log(s);
    }
}
