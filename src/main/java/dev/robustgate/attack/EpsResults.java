package dev.robustgate.attack;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Builds an {@link EpsResult} from per-sample arrays that were computed elsewhere: an engine that
 * evaluates partitions of a dataset on other threads or machines scatters their per-sample results
 * back by sample id and assembles the whole run's result here (see {@code dev.robustgate.engine}).
 * Arrays are indexed by position in the evaluated dataset; targets are null for untargeted attacks.
 */
public final class EpsResults {
    private EpsResults() {}

    public static EpsResult of(double eps, String description, INDArray adversarial, int[] labels, int[] cleanPredictions,
                               int[] targets, int[] predictions, boolean[] success, double[] distances,
                               int[] gradientEvaluations, long forwardEvaluations, double seconds) {
        int n = labels.length;
        if (cleanPredictions.length != n || predictions.length != n || success.length != n || distances.length != n
                || gradientEvaluations.length != n || (targets != null && targets.length != n) || adversarial.size(0) != n) {
            throw new IllegalArgumentException("per-sample arrays of " + description + " differ in length from its "
                    + n + " labels");
        }
        return new EpsResult(eps, description, adversarial, labels.clone(), cleanPredictions.clone(),
                targets == null ? null : targets.clone(), predictions.clone(), success.clone(), distances.clone(),
                gradientEvaluations.clone(), forwardEvaluations, seconds);
    }

    /** Per-sample gradient evaluations of {@code r}, in sample order. */
    public static int[] gradientEvaluations(EpsResult r) {
        int[] g = new int[r.size()];
        for (int i = 0; i < g.length; i++) g[i] = r.sample(i).gradientEvaluations();
        return g;
    }
}
