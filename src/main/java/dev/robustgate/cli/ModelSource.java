package dev.robustgate.cli;

import dev.robustgate.engine.ModelRef;
import dev.robustgate.fixture.Victims;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.ModelFiles;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model a command works on: a named victim or a model file, exclusive (an {@code @ArgGroup}).
 * Checked before anything is loaded, since loading a victim may mean training it.
 */
final class ModelSource {
    @Option(names = "--victim", paramLabel = "NAME", description = "A named victim (trained and cached on first use).")
    String victim;
    @Option(names = "--model", paramLabel = "PATH", description = "A DL4J MultiLayerNetwork zip or a Keras HDF5 Sequential model (.h5).")
    Path model;

    /** A source naming {@code victim}, for commands that fall back to a default victim. */
    static ModelSource victim(String name) {
        ModelSource s = new ModelSource();
        s.victim = name;
        return s;
    }

    /** Fails on an unknown victim or a missing model file, without loading or training anything. */
    ModelSource checked(Victims victims) {
        if (victim != null) {
            victims.spec(victim);
        } else if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("--model " + model + ": no such model file");
        }
        return this;
    }

    DifferentiableClassifier load(Victims victims) {
        return victim != null ? victims.get(victim).model() : ModelFiles.load(model);
    }

    /**
     * The model as an engine loads it on other machines: a victim by name (from the fixture cache,
     * which executors must share), a model file by its SHA-256.
     */
    ModelRef ref() {
        if (victim == null) return ModelRef.file(model);
        return dev.robustgate.junit.OnEngine.ref(victim);
    }

    /** How reports name the model: the victim's name or the file's path. */
    String label() {
        return victim != null ? victim : model.toString();
    }
}
