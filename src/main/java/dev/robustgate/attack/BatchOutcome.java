package dev.robustgate.attack;

import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A kernel's answer for one batch at one eps: flat adversarials [m, D], per-row facts, and the
 * forward evaluations (in samples) and seconds this eps cost (work shared by all eps, like FGSM's
 * one gradient, is charged to each, as if each eps ran alone).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
public record BatchOutcome(INDArray adversarial, int[] predictions, boolean[] success, int[] gradientEvaluations,
                           long forwardEvaluations, double seconds) {
}
