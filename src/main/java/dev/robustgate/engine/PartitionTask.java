package dev.robustgate.engine;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.DifferentiableClassifier;

import java.io.Serializable;

/**
 * What an engine does with one partition, wherever it runs: evaluate its samples (which keep their
 * ids) on the model and return per-sample results to be merged by id. Serializable: it travels
 * with the task; the model does not (it is loaded once per JVM, {@link ExecutorModels}).
 */
@FunctionalInterface
public interface PartitionTask<R extends Serializable> extends Serializable {
    R run(DifferentiableClassifier model, Dataset partition);
}
