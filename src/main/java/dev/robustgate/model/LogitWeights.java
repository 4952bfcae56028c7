package dev.robustgate.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Checks the logit weights of {@link DifferentiableClassifier#logitGradient} and computes that
 * gradient from cross-entropy gradients for models whose backward pass cannot be seeded directly.
 */
final class LogitWeights {
    /** Why 1e-4: float32 weights of a DLR loss, summed over 10 classes, stay within 1e-6 of 0 relative to their size. */
    private static final double ZERO_SUM_TOLERANCE = 1e-4;

    private LogitWeights() {}

    /** {@code weights} as [N][K] doubles, refused with one line unless [N, K] with rows summing to 0. */
    static double[][] checked(Classifier model, INDArray inputs, INDArray weights) {
        long n = inputs.size(0);
        if (weights.rank() != 2 || weights.size(0) != n || weights.size(1) != model.numClasses()) {
            throw new IllegalArgumentException(model.name() + ": logit weights must be [" + n + ", " + model.numClasses()
                    + "], got " + Arrays.toString(weights.shape()));
        }
        double[][] w = weights.toDoubleMatrix();
        for (int i = 0; i < w.length; i++) {
            double sum = 0, size = 0;
            for (double v : w[i]) {
                if (!Double.isFinite(v)) {
                    throw new IllegalArgumentException(model.name() + ": logit weights of row " + i + " are not finite: " + v);
                }
                sum += v;
                size += Math.abs(v);
            }
            if (Math.abs(sum) > ZERO_SUM_TOLERANCE * size + 1e-12) {
                throw new IllegalArgumentException(model.name() + ": logit weights of row " + i + " sum to " + sum
                        + ", not 0 (only differences of logits have a cross-entropy form)");
            }
        }
        return w;
    }

    /** The default logit gradient: one lossGradient call per weighted class slot (see the interface). */
    static INDArray throughCrossEntropy(DifferentiableClassifier model, INDArray inputs, INDArray weights) {
        double[][] w = checked(model, inputs, weights);
        int n = w.length;
        long d = inputs.length() / Math.max(1, n);
        int[][] classes = new int[n][];
        int slots = 0;
        for (int i = 0; i < n; i++) {
            classes[i] = weighted(w[i]);
            slots = Math.max(slots, classes[i].length);
        }
        INDArray total = Nd4j.zeros(inputs.dataType(), n, d);
        for (int s = 0; s < slots; s++) {
            int[] cls = new int[n];
            double[] coef = new double[n];
            for (int i = 0; i < n; i++) {
                if (s < classes[i].length) {
                    cls[i] = classes[i][s];
                    coef[i] = -w[i][cls[i]];
                }   // else class 0 with weight 0: padding
            }
            INDArray g = model.lossGradient(inputs, cls).reshape(n, d);
            total.addi(g.muliColumnVector(Nd4j.createFromArray(coef).castTo(g.dataType()).reshape(n, 1)));
        }
        return total.reshape(inputs.shape());
    }

    private static int[] weighted(double[] row) {
        return java.util.stream.IntStream.range(0, row.length).filter(c -> row[c] != 0.0).toArray();
    }
}
