package dev.robustgate.attack;

import dev.robustgate.model.DifferentiableClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gradients of logit differences from the one gradient a {@link DifferentiableClassifier} offers,
 * that of the cross-entropy: CE_c = logsumexp(z) - z_c, so grad CE_b - grad CE_a = grad (z_a - z_b)
 * exactly (the logsumexp terms cancel). Two gradient evaluations per sample.
 */
final class LogitGradients {
    private LogitGradients() {}

    /** d/dx (z_a - z_b) per row, flat [m, D]; {@code a[i] != b[i]}. */
    static INDArray ofDifference(DifferentiableClassifier model, INDArray flat, long[] batchShape, int[] a, int[] b) {
        long m = flat.size(0);
        long d = flat.size(1);
        INDArray x = flat.reshape(batchShape);
        INDArray gb = model.lossGradient(x, b).reshape(m, d);
        INDArray ga = model.lossGradient(x, a).reshape(m, d);
        return gb.subi(ga);
    }
}
