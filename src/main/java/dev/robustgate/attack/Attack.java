package dev.robustgate.attack;

import org.apiguardian.api.API;
import dev.robustgate.data.Dataset;
import dev.robustgate.model.DifferentiableClassifier;

import java.util.List;
import java.util.Map;

/**
 * An evasion attack configured for one or more radii. One {@link #run} evaluates every eps and
 * returns per-sample results for each, so a sweep costs one call (and shares work where it can).
 * Implementations are immutable: the with-style setters return new instances. They are
 * {@link java.io.Serializable} configuration (no model, no data), so that an engine can send one to
 * the machines that run it ({@code dev.robustgate.engine}).
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
public interface Attack extends java.io.Serializable {
    /** Short name, e.g. "PGD-Linf". */
    String name();

    /** Name with every parameter that changes the numbers, e.g. "PGD-Linf(40x0.01, random start, seed 7)". */
    String describe();

    /** {@link #describe()} for the run at one eps, as a gate's message names it. */
    String describeAt(double eps);

    /** Parameters as reports show them, in a stable order. */
    Map<String, String> parameters();

    Norm norm();

    List<Double> epsilons();

    /**
     * Whether {@link #run} asks the model for input gradients (every attack but the score-based
     * Square). {@link AttackRunner} refuses such an attack up front, in one line, on a model whose
     * {@link DifferentiableClassifier#hasInputGradients()} is false.
     */
    default boolean needsInputGradients() {
        return true;
    }

    AttackResult run(DifferentiableClassifier model, Dataset data);
}
