package dev.robustgate.attack;

import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What a {@link AttackKernel.Minimal} search found for one batch: per row the closest adversarial
 * [m, D] ({@code found[i]} false: none, the row is ignored), the model's prediction on it, and the
 * search's cost (gradient evaluations per row, forward evaluations in samples, seconds).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
public record MinimalOutcome(INDArray best, boolean[] found, int[] predictions, int[] gradientEvaluations,
                             long forwardEvaluations, double seconds) {
}
