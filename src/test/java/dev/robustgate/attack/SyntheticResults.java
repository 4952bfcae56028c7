package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.model.EvaluationCounter.Counts;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Hand-made attack results with known counts, for testing metrics without running an attack. */
public final class SyntheticResults {
    private SyntheticResults() {}

    /** One eps per entry of {@code adversarialPredictions}/{@code success}; untargeted when {@code targets} is null. */
    public static AttackResult of(int[] labels, int[] cleanPredictions, int[] targets, double[] eps,
                                  int[][] adversarialPredictions, boolean[][] success) {
        int n = labels.length;
        List<String> classes = new ArrayList<>();
        for (int k = 0; k < 10; k++) classes.add("c" + k);
        Dataset data = new Dataset("synthetic", Split.TEST, Nd4j.zeros(DataType.FLOAT, n, 1, 2, 2), labels, classes,
                "synthetic", "synthetic (" + n + ")");
        List<EpsResult> perEps = new ArrayList<>();
        for (int e = 0; e < eps.length; e++) {
            perEps.add(new EpsResult(eps[e], "Synthetic(eps=" + eps[e] + ")", data.features(), labels, cleanPredictions,
                    targets, adversarialPredictions[e], success[e], new double[n], new int[n], 0L, 0));
        }
        return new AttackResult("Synthetic", "Synthetic(eps " + java.util.Arrays.toString(eps) + ")", Map.of(), Norm.LINF,
                "victim-x", data, cleanPredictions, List.copyOf(perEps), new Counts(0, 0), 0);
    }

    /**
     * One eps, untargeted, with the given per-sample distances and clean inputs {@code features} [n, 1, 2, 2], for
     * metrics that read distances and input norms (MinimalPerturbation).
     */
    public static AttackResult withDistances(int[] labels, int[] cleanPredictions, double eps, boolean[] success,
                                             double[] distances, float[][] features, Norm norm) {
        int n = labels.length;
        List<String> classes = new ArrayList<>();
        for (int k = 0; k < 10; k++) classes.add("c" + k);
        Dataset data = new Dataset("synthetic", Split.TEST, Nd4j.createFromArray(features).reshape(n, 1, 2, 2), labels, classes,
                "synthetic", "synthetic (" + n + ")");
        int[] adv = new int[n];
        for (int i = 0; i < n; i++) adv[i] = success[i] ? (labels[i] + 1) % 10 : cleanPredictions[i];
        EpsResult r = new EpsResult(eps, "Minimal(eps=" + eps + ")", data.features(), labels, cleanPredictions, null, adv, success,
                distances, new int[n], 0L, 0);
        return new AttackResult("Minimal", "Minimal(eps=" + eps + ")", Map.of(), norm, "victim-x", data, cleanPredictions,
                List.of(r), new Counts(0, 0), 0);
    }
}
