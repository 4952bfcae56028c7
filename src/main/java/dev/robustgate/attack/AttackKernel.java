package dev.robustgate.attack;

import dev.robustgate.model.DifferentiableClassifier;

import java.util.ArrayList;
import java.util.List;

/** The algorithm proper: given a batch that needs attacking, the outcome at every (non-zero) eps. */
interface AttackKernel {
    List<BatchOutcome> attack(DifferentiableClassifier model, AttackBatch batch, double[] eps);

    /** One radius at a time, for attacks whose runs at different eps share nothing (PGD, Square). */
    interface PerEps {
        BatchOutcome attack(DifferentiableClassifier model, AttackBatch batch, double eps);
    }

    static AttackKernel eachEps(PerEps kernel) {
        return (model, batch, eps) -> {
            List<BatchOutcome> out = new ArrayList<>(eps.length);
            for (double e : eps) out.add(kernel.attack(model, batch, e));
            return out;
        };
    }
}
