package dev.robustgate.engine.spark;

import dev.robustgate.engine.ExecutorModels;
import dev.robustgate.engine.ModelRef;
import dev.robustgate.engine.Partition;
import dev.robustgate.engine.PartitionTask;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function;

import java.io.Serializable;

/** One Spark task: the partition's samples through the task, on the executor's one copy of the model. */
final class RunPartition<R extends Serializable> implements Function<Partition, R> {
    private final ModelRef model;
    private final PartitionTask<R> task;
    private final boolean failFirstAttempt;

    RunPartition(ModelRef model, PartitionTask<R> task, boolean failFirstAttempt) {
        this.model = model;
        this.task = task;
        this.failFirstAttempt = failFirstAttempt;
    }

    @Override
    public R call(Partition partition) {
        R result = task.run(ExecutorModels.forTask(model), partition.dataset());
        TaskContext ctx = TaskContext.get();
        if (failFirstAttempt && ctx != null && ctx.attemptNumber() == 0) {
            // The work is done (and the shared model counted it): Spark must drop this attempt and retry.
            throw new IllegalStateException("robustgate test hook " + SparkEngine.FAIL_FIRST_ATTEMPT
                    + ": failing the first attempt of " + partition + " on purpose");
        }
        return result;
    }
}
