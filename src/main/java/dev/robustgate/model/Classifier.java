package dev.robustgate.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A black box that maps a batch of inputs [N, ...sampleShape] to class probabilities [N, K].
 * Every call counts towards {@link #counter()}, because query cost is part of every result.
 */
public interface Classifier {
    /** The victim's name as it appears in reports, e.g. "fashion-lenet". */
    String name();

    /** Shape of one input sample in RobustGate's layout (NCHW without N), e.g. [1, 28, 28]. */
    long[] sampleShape();

    int numClasses();

    /** Class probabilities [N, K]; rows sum to 1. */
    INDArray probabilities(INDArray inputs);

    EvaluationCounter counter();

    /** Arg-max class per row. */
    default int[] predict(INDArray inputs) {
        return Predictions.argMax(probabilities(inputs));
    }
}
