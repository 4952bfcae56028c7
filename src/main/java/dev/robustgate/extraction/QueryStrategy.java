package dev.robustgate.extraction;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Where a model thief's queries come from. A strategy hands out batches of inputs; an adaptive one
 * also learns from what the victim answered ({@link #observe}).
 */
public interface QueryStrategy {
    /** For reports, e.g. "gaussian(mean 0.5, std 0.5)". */
    String describe();

    /** The next {@code n} inputs [n, ...sampleShape] in [0,1]. */
    INDArray next(int n);

    /**
     * What the victim answered to the last batch from {@link #next}, and what the knockoff trained so
     * far predicts for it; both [n, K]. Non-adaptive strategies ignore it.
     */
    default void observe(INDArray victimAnswers, INDArray knockoffAnswers) {}

    /** Whether {@link #observe} changes later batches (then batches should be small). */
    default boolean adaptive() { return false; }
}
