package dev.robustgate.metric;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.data.Dataset;
import dev.robustgate.model.Classifier;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Accuracy without attack. */
public final class CleanAccuracy {
    private static final int BATCH = 500;

    private CleanAccuracy() {}

    public static Proportion of(Classifier model, Dataset data) {
        int correct = 0;
        for (int from = 0; from < data.size(); from += BATCH) {
            int to = Math.min(data.size(), from + BATCH);
            int[] p = model.predict(data.features().get(NDArrayIndex.interval(from, to)));
            for (int i = 0; i < p.length; i++) if (p[i] == data.label(from + i)) correct++;
        }
        return Proportion.of("clean accuracy", model.name(), "", correct, data.size());
    }

    /** Clean accuracy of the samples an attack saw, from the predictions it already made. */
    public static Proportion of(AttackResult result) {
        return Proportion.of("clean accuracy", result.victim(), "", result.cleanCorrect(), result.data().size());
    }
}
