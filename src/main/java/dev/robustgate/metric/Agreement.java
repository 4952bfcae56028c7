package dev.robustgate.metric;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.Classifier;

/**
 * How often a copy predicts what the original predicts (test-set label agreement, Orekondy 2019;
 * "fidelity" elsewhere), with its Clopper-Pearson interval.
 */
public final class Agreement {
    private Agreement() {}

    public static Proportion of(Classifier copy, Classifier original, Dataset data) {
        return of(copy.name(), CleanAccuracy.predictions(copy, data), original.name(), CleanAccuracy.predictions(original, data));
    }

    /** From predictions already made on the same samples, e.g. the original's, shared by many copies. */
    public static Proportion of(String copy, int[] copyPredictions, String original, int[] originalPredictions) {
        if (copyPredictions.length != originalPredictions.length) {
            throw new IllegalArgumentException(copyPredictions.length + " predictions of " + copy + " against "
                    + originalPredictions.length + " of " + original);
        }
        int same = 0;
        for (int i = 0; i < copyPredictions.length; i++) if (copyPredictions[i] == originalPredictions[i]) same++;
        return Proportion.of("agreement with " + original, copy, "", same, copyPredictions.length);
    }
}
