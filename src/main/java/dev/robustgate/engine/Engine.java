package dev.robustgate.engine;

import dev.robustgate.attack.Attack;
import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.WorstCaseOf;
import dev.robustgate.data.Dataset;
import dev.robustgate.metric.GradientStatistics;
import dev.robustgate.metric.MaskingChecks;
import dev.robustgate.metric.MaskingReport;

import java.io.Serializable;
import java.util.List;

/**
 * Where an evaluation runs. One seam, {@link #map}: cut the samples into partitions by id, run a
 * task on each (wherever the engine puts it), return the partitions' per-sample results; every
 * evaluation is then merged by sample id ({@link Merge}). Because every random draw of an attack
 * is keyed by sample id, the merged result is sample for sample the one-JVM result.
 *
 * <p>{@link InProcessEngine} (the default) runs here; {@code dev.robustgate.engine.spark.SparkEngine}
 * runs on Apache Spark. {@link Engines#configured()} picks one from system properties.
 */
public interface Engine extends AutoCloseable {
    /** E.g. "in-process" or "spark local[2], 4 partitions". */
    String describe();

    /** The task's result for each partition of {@code data} (partitioned by sample id), in partition order. */
    <R extends Serializable> List<R> map(ModelRef model, Dataset data, PartitionTask<R> task);

    default AttackResult run(Attack attack, ModelRef model, Dataset data) {
        if (attack instanceof WorstCaseOf w) return runDetailed(w, model, data).combined();
        long t0 = System.nanoTime();
        List<AttackOutcome> parts = map(model, data, new Tasks.RunAttack(attack));
        return Merge.attack(attack, data, parts, (System.nanoTime() - t0) / 1e9);
    }

    default WorstCaseOf.Detailed runDetailed(WorstCaseOf attack, ModelRef model, Dataset data) {
        long t0 = System.nanoTime();
        List<WorstCaseOutcome> parts = map(model, data, new Tasks.RunWorstCase(attack));
        return Merge.worstCase(attack, data, parts, (System.nanoTime() - t0) / 1e9);
    }

    default GradientStatistics gradients(ModelRef model, Dataset data) {
        return Merge.gradients(data, map(model, data, new Tasks.GradientNorms()));
    }

    /** The gradient-masking checks with each of their evaluations run by this engine. */
    default MaskingReport maskingChecks(MaskingChecks checks, ModelRef model, Dataset data) {
        Engine engine = this;
        return checks.run(new MaskingChecks.Evaluator() {
            @Override public String modelName() { return model.name(); }
            @Override public int numClasses() { return data.numClasses(); }
            @Override public int samples() { return data.size(); }
            @Override public AttackResult run(Attack attack) { return engine.run(attack, model, data); }
            @Override public GradientStatistics gradients() { return engine.gradients(model, data); }
            @Override public boolean hasInputGradients() { return ExecutorModels.get(model).hasInputGradients(); }
            // Two forward passes on the driver: randomness is a property of the model, not of a partition.
            @Override public dev.robustgate.metric.MaskingCheck randomness() { return MaskingChecks.randomised(model.load(), data); }
        });
    }

    /** Releases what the engine holds (a Spark context it started); a no-op in-process. */
    @Override
    void close();
}
