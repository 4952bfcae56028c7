package dev.robustgate.attack;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A kernel's answer for one batch at one eps: flat adversarials [m, D], per-row facts, and the
 * forward evaluations (in samples) it spent on this eps.
 */
record BatchOutcome(INDArray adversarial, int[] predictions, boolean[] success, int[] gradientEvaluations,
                    long forwardEvaluations) {
}
