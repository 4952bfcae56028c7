package dev.robustgate.attack;

import org.nd4j.linalg.api.ndarray.INDArray;

/** A kernel's answer for one batch at one eps: flat adversarials [m, D] and per-row facts. */
record BatchOutcome(INDArray adversarial, int[] predictions, boolean[] success, int[] gradientEvaluations) {
}
