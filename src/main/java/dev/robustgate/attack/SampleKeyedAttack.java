package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.DifferentiableClassifier;

/**
 * An attack that can run on a subset of a larger evaluation and still draw, for each sample, the
 * random numbers (starts, targets) the full run would: {@code sampleIds[i]} is sample i's position
 * in the full evaluation. {@link WorstCaseOf} relies on it, so that a member attacking only the
 * samples still standing decides each of them exactly as it would alone.
 */
interface SampleKeyedAttack {
    AttackResult run(DifferentiableClassifier model, Dataset data, int[] sampleIds);
}
