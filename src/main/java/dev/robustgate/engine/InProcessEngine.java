package dev.robustgate.engine;

import dev.robustgate.attack.Attack;
import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.WorstCaseOf;
import dev.robustgate.data.Dataset;
import dev.robustgate.metric.GradientStatistics;
import dev.robustgate.metric.MaskingChecks;
import dev.robustgate.metric.MaskingReport;
import dev.robustgate.model.DifferentiableClassifier;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs in this JVM. With one partition (the default) an evaluation is exactly the direct call
 * ({@code attack.run(model, data)}); with several, the partitions run one after the other and are
 * merged like a distributed engine's, which tests the merge without a cluster.
 */
public final class InProcessEngine implements Engine {
    private final int partitions;
    private final int batch;

    public InProcessEngine() {
        this(1, Engines.DEFAULT_BATCH);
    }

    /** {@code partitions} of whole {@code batch}-sample batches each (see {@link Partition#of}). */
    public InProcessEngine(int partitions, int batch) {
        if (partitions < 1) throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        this.partitions = partitions;
        this.batch = batch;
    }

    @Override
    public String describe() {
        return partitions == 1 ? "in-process" : "in-process, " + partitions + " partitions";
    }

    @Override
    public <R extends Serializable> List<R> map(ModelRef model, Dataset data, PartitionTask<R> task) {
        DifferentiableClassifier m = ExecutorModels.get(model);
        if (partitions == 1) return List.of(task.run(m, data));
        List<R> out = new ArrayList<>();
        for (Partition p : Partition.of(data, partitions, batch)) out.add(task.run(new TaskModel(m), p.dataset()));
        return out;
    }

    @Override
    public AttackResult run(Attack attack, ModelRef model, Dataset data) {
        return partitions == 1 ? attack.run(ExecutorModels.get(model), data) : Engine.super.run(attack, model, data);
    }

    @Override
    public WorstCaseOf.Detailed runDetailed(WorstCaseOf attack, ModelRef model, Dataset data) {
        return partitions == 1 ? attack.runDetailed(ExecutorModels.get(model), data) : Engine.super.runDetailed(attack, model, data);
    }

    @Override
    public GradientStatistics gradients(ModelRef model, Dataset data) {
        return partitions == 1 ? GradientStatistics.of(ExecutorModels.get(model), data) : Engine.super.gradients(model, data);
    }

    @Override
    public MaskingReport maskingChecks(MaskingChecks checks, ModelRef model, Dataset data) {
        return partitions == 1 ? checks.run(ExecutorModels.get(model), data) : Engine.super.maskingChecks(checks, model, data);
    }

    @Override
    public void close() {
    }
}
