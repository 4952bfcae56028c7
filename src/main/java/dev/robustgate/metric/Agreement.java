package dev.robustgate.metric;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.Classifier;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * How often a copy predicts what the original predicts (test-set label agreement, Orekondy 2019;
 * "fidelity" elsewhere), with its Clopper-Pearson interval.
 */
public final class Agreement {
    private static final int BATCH = 500;

    private Agreement() {}

    public static Proportion of(Classifier copy, Classifier original, Dataset data) {
        int same = 0;
        for (int from = 0; from < data.size(); from += BATCH) {
            int to = Math.min(data.size(), from + BATCH);
            var x = data.features().get(NDArrayIndex.interval(from, to));
            int[] a = copy.predict(x);
            int[] b = original.predict(x);
            for (int i = 0; i < a.length; i++) if (a[i] == b[i]) same++;
        }
        return Proportion.of("agreement with " + original.name(), copy.name(), "", same, data.size());
    }
}
