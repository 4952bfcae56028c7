package dev.robustgate.engine;

import dev.robustgate.model.DifferentiableClassifier;

/** A model named by a key and loaded by a serializable loader (see {@link ModelRef#of}). */
record LoaderModelRef(String key, String name, ModelRef.Loader loader) implements ModelRef {
    LoaderModelRef {
        if (key == null || key.isBlank() || name == null || loader == null) {
            throw new IllegalArgumentException("a model reference needs a key, a name and a loader");
        }
    }

    @Override
    public DifferentiableClassifier load() {
        return loader.load();
    }
}
