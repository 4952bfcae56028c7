package dev.robustgate.attack;

import dev.robustgate.model.DifferentiableClassifier;
import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.List;

/**
 * The algorithm proper, the part of an attack a user writes: given a batch of clean-correct
 * samples that need attacking, the outcome at every (non-zero) eps. {@link AttackRunner} does the
 * rest (validation, clean pass, targets, batching, eps = 0, distances, costs, events) and checks
 * each outcome against the invariants.
 *
 * <p>Two kinds: {@link PerEps} for attacks whose runs at different radii share nothing (PGD, APGD,
 * Square), {@link Minimal} for minimal-perturbation searches (DeepFool, C&amp;W, FAB) whose one
 * unbounded search per sample is scored at every eps.
 *
 * <p>A kernel must not write into {@code batch.inputs()}, must return points inside the eps-ball
 * of the attack's norm and inside the {@link Box}, and must key every random draw by
 * (seed, {@code batch.sampleIds()[row]}) ({@link AttackBatch#random}), so that batch size and
 * sharding never change a sample's result.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
@FunctionalInterface
public interface AttackKernel {
    List<BatchOutcome> attack(DifferentiableClassifier model, AttackBatch batch, double[] eps);

    /** One radius at a time. */
    @FunctionalInterface
    interface PerEps {
        BatchOutcome attack(DifferentiableClassifier model, AttackBatch batch, double eps);
    }

    /** One unbounded search per sample; the runner scores it at every eps. */
    @FunctionalInterface
    interface Minimal {
        MinimalOutcome search(DifferentiableClassifier model, AttackBatch batch);
    }

    static AttackKernel eachEps(PerEps kernel) {
        return (model, batch, eps) -> {
            List<BatchOutcome> out = new ArrayList<>(eps.length);
            for (double e : eps) out.add(kernel.attack(model, batch, e));
            return out;
        };
    }

    /** A minimal-perturbation search scored at each eps in {@code norm}: it counts where its distance is at most eps. */
    static AttackKernel minimal(Minimal kernel, Norm norm) {
        return (model, batch, eps) -> {
            MinimalOutcome o = kernel.search(model, batch);
            return MinimalAdversarials.atEachEps(batch, norm, eps, o.best(), o.found(), o.predictions(),
                    o.gradientEvaluations(), o.forwardEvaluations(), o.seconds());
        };
    }
}
