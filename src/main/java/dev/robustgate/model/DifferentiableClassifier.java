package dev.robustgate.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A white-box classifier: logits and the gradient of the loss with respect to the input. */
public interface DifferentiableClassifier extends Classifier {
    /** Pre-softmax scores [N, K]. Counts as N forward evaluations. */
    INDArray logits(INDArray inputs);

    /**
     * d/dx of sum_i CE(softmax(logits(x_i)), labels_i), shaped like {@code inputs}: row i is the
     * gradient of sample i's own cross-entropy. Counts as N gradient evaluations.
     */
    INDArray lossGradient(INDArray inputs, int[] labels);

    /**
     * d/dx of sum_i sum_c weights[i, c] z_c(x_i), shaped like {@code inputs}, for {@code weights}
     * [N, K] whose rows each sum to 0: the vector-Jacobian product of the logits that a difference of
     * logits or a DLR loss needs. Row i is sample i's own gradient.
     *
     * <p>The default derives it from {@link #lossGradient}: when sum_c w_c = 0 the logsumexp terms of
     * the cross-entropies cancel, so grad sum_c w_c z_c = -sum_c w_c grad CE_c, one cross-entropy
     * gradient per class a row weights (each counted: up to 5 per sample for targeted DLR). Models that
     * can seed their backward pass with the weights override it with one pass, N gradient evaluations.
     *
     * @throws IllegalArgumentException when weights is not [N, K] or a row does not sum to 0
     */
    default INDArray logitGradient(INDArray inputs, INDArray weights) {
        return LogitWeights.throughCrossEntropy(this, inputs, weights);
    }

    /**
     * True when {@link #logitGradient} is one backward pass (N gradient evaluations), false when it
     * takes the cross-entropy route of the default (one counted pass per weighted class). Wrappers
     * forward it; a wrapper that counts on its own counter uses it to count as the model does.
     */
    default boolean seedsLogitGradient() {
        return false;
    }

    /**
     * False for a black box seen through this interface ({@link ScoresOnly}): only its scores are
     * real, so gradient attacks and the gradient-based masking checks do not apply to it.
     * Wrappers forward it.
     */
    default boolean hasInputGradients() {
        return true;
    }
}
