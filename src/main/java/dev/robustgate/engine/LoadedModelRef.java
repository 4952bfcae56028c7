package dev.robustgate.engine;

import dev.robustgate.model.DifferentiableClassifier;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;

/** A model object of this JVM: in-process engines use it as it is; it refuses to be serialized. */
final class LoadedModelRef implements ModelRef {
    private final transient DifferentiableClassifier model;

    LoadedModelRef(DifferentiableClassifier model) {
        if (model == null) throw new IllegalArgumentException("model must not be null");
        this.model = model;
    }

    @Override public String key() { return "loaded:" + System.identityHashCode(model) + ":" + model.name(); }
    @Override public String name() { return model.name(); }
    @Override public DifferentiableClassifier load() { return model; }

    DifferentiableClassifier model() { return model; }

    private void writeObject(ObjectOutputStream out) throws NotSerializableException {
        throw new NotSerializableException("model " + model.name() + " was loaded in this JVM and cannot be sent to "
                + "other machines: name a victim or a model file");
    }
}
