package dev.robustgate.engine;

import dev.robustgate.model.DifferentiableClassifier;

import java.io.Serializable;
import java.nio.file.Path;

/**
 * How the machine that evaluates a partition gets the model: a small serializable reference (a
 * victim's name, a model file and its SHA-256), never the model itself. Each JVM loads a model
 * once per {@link #key()} ({@link ExecutorModels}) and keeps it for every later task.
 */
public interface ModelRef extends Serializable {
    /** Identifies the exact model: equal keys must load equal models, e.g. "file:sha256-of-the-bytes". */
    String key();

    /** How reports name the model. */
    String name();

    /** Loads the model (called once per JVM and key). */
    DifferentiableClassifier load();

    /** A DL4J zip or Keras HDF5 file, identified by the SHA-256 of its bytes (checked again where it is loaded). */
    static ModelRef file(Path file) {
        return ModelFileRef.of(file);
    }

    /** A model file loaded by {@code loader} (e.g. with a declared input, named by {@code variant}), checked by its SHA-256. */
    static ModelRef file(Path file, String variant, ModelFileRef.FileLoader loader) {
        return ModelFileRef.of(file, variant, loader);
    }

    /** What loads a model on the machine that needs it: serializable, so it travels instead of the model. */
    @FunctionalInterface
    interface Loader extends Serializable {
        DifferentiableClassifier load();
    }

    /**
     * A model loaded by {@code loader} wherever a partition runs, once per JVM and {@code key}; e.g.
     * a victim: {@code ModelRef.of("victim:fashion-lenet", "fashion-lenet", () -> Victims.standard().get("fashion-lenet").model())}.
     */
    static ModelRef of(String key, String name, Loader loader) {
        return new LoaderModelRef(key, name, loader);
    }

    /**
     * A model already loaded in this JVM: runs in-process only. A distributed engine refuses it
     * with a one-line error, since the model cannot be loaded anywhere else.
     */
    static ModelRef loaded(DifferentiableClassifier model) {
        return new LoadedModelRef(model);
    }
}
