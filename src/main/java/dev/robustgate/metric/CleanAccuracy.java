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
        return of(model.name(), predictions(model, data), data);
    }

    /** From predictions already made on {@code data}'s samples, in order. */
    public static Proportion of(String model, int[] predictions, Dataset data) {
        if (predictions.length != data.size()) {
            throw new IllegalArgumentException(predictions.length + " predictions of " + model + " for " + data.size() + " samples");
        }
        int correct = 0;
        for (int i = 0; i < predictions.length; i++) if (predictions[i] == data.label(i)) correct++;
        return Proportion.of("clean accuracy", model, "", correct, data.size());
    }

    /** {@code model}'s predictions on every sample of {@code data}, in batches. */
    static int[] predictions(Classifier model, Dataset data) {
        int[] out = new int[data.size()];
        for (int from = 0; from < data.size(); from += BATCH) {
            int to = Math.min(data.size(), from + BATCH);
            int[] p = model.predict(data.features().get(NDArrayIndex.interval(from, to)));
            System.arraycopy(p, 0, out, from, p.length);
        }
        return out;
    }

    /** Clean accuracy of the samples an attack saw, from the predictions it already made. */
    public static Proportion of(AttackResult result) {
        return Proportion.of("clean accuracy", result.victim(), "", result.cleanCorrect(), result.data().size());
    }
}
