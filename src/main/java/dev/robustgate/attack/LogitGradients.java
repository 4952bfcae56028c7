package dev.robustgate.attack;

import dev.robustgate.model.DifferentiableClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Gradients of logit differences, the linearisation FAB and C&amp;W need, as one logit-gradient call. */
final class LogitGradients {
    private LogitGradients() {}

    /** d/dx (z_a - z_b) per row, flat [m, D]; {@code a[i] != b[i]}. */
    static INDArray ofDifference(DifferentiableClassifier model, INDArray flat, long[] batchShape, int[] a, int[] b) {
        int m = (int) flat.size(0);
        long d = flat.size(1);
        double[][] w = new double[m][model.numClasses()];
        for (int i = 0; i < m; i++) {
            w[i][a[i]] = 1;
            w[i][b[i]] = -1;
        }
        return model.logitGradient(flat.reshape(batchShape), Nd4j.createFromArray(w).castTo(flat.dataType())).reshape(m, d);
    }

    /** Gradient evaluations per row of {@link #ofDifference}: one seeded backward pass, or two cross-entropy ones. */
    static int differenceCost(DifferentiableClassifier model) {
        return model.seedsLogitGradient() ? 1 : 2;
    }
}
