package dev.robustgate.attack;

import dev.robustgate.model.DifferentiableClassifier;

import java.util.List;

/** The algorithm proper: given a batch that needs attacking, the outcome at every (non-zero) eps. */
interface AttackKernel {
    List<BatchOutcome> attack(DifferentiableClassifier model, AttackBatch batch, double[] eps);
}
