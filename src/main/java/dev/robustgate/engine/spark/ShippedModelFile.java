package dev.robustgate.engine.spark;

import dev.robustgate.engine.ModelFileRef;
import dev.robustgate.engine.ModelRef;
import dev.robustgate.model.DifferentiableClassifier;
import org.apache.spark.SparkFiles;

import java.nio.file.Files;
import java.nio.file.Path;

/** A model file that the job shipped to every executor (SparkContext.addFile); loaded from the executor's copy. */
record ShippedModelFile(ModelFileRef file) implements ModelRef {
    @Override public String key() { return file.key(); }
    @Override public String name() { return file.name(); }

    @Override
    public DifferentiableClassifier load() {
        Path local = Path.of(SparkFiles.get(file.fileName()));
        return file.loadFrom(Files.isRegularFile(local) ? local : Path.of(file.path()));
    }
}
