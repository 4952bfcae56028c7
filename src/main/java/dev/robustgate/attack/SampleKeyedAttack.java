package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.DifferentiableClassifier;

/**
 * An attack that can run on a subset of a larger evaluation and still draw, for each sample, the
 * random numbers (starts, targets) the full run would: {@code sampleIds[i]} is sample i's position
 * in the full evaluation. {@link WorstCaseOf} relies on it, so that a member attacking only the
 * samples still standing decides each of them exactly as it would alone.
 */
interface SampleKeyedAttack extends Attack {
    /** {@code sampleIds} null: the dataset's own ids. */
    AttackResult run(DifferentiableClassifier model, Dataset data, int[] sampleIds);

    @Override
    default AttackResult run(DifferentiableClassifier model, Dataset data) {
        return run(model, data, null);
    }
}
