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
     * False for a black box seen through this interface ({@link ScoresOnly}): only its scores are
     * real, so gradient attacks and the gradient-based masking checks do not apply to it.
     * Wrappers forward it.
     */
    default boolean hasInputGradients() {
        return true;
    }
}
