package dev.robustgate.cli;

import dev.robustgate.engine.ModelRef;
import dev.robustgate.data.Dataset;
import dev.robustgate.fixture.Victims;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.InputDeclaration;
import dev.robustgate.model.InputSpec;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.ScoresOnly;
import dev.robustgate.model.load.ModelFiles;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The model a command works on: a named victim or a model file, exclusive (an {@code @ArgGroup}).
 * Checked before anything is loaded, since loading a victim may mean training it.
 */
final class ModelSource {
    @Option(names = "--victim", paramLabel = "NAME", description = "A named victim (trained and cached on first use).")
    String victim;
    @Option(names = "--model", paramLabel = "PATH", description = "An ONNX model (a black box through ONNX Runtime when it has an op the graph executor lacks), "
            + "a DL4J zip or a Keras HDF5 model (.h5); "
            + "describe its input with --input-shape, --mean, --std, --classes.")
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
            victims.requireKnown(victim);
        } else if (!Files.isRegularFile(model)) {
            throw new IllegalArgumentException("--model " + model + ": no such model file");
        }
        return this;
    }

    DifferentiableClassifier load(Victims victims) {
        if (victim == null) return ModelFiles.load(model);
        dev.robustgate.model.Classifier c = victims.classifier(victim);
        if (c instanceof DifferentiableClassifier d) return d;
        throw new IllegalArgumentException("victim " + victim + " is a black box (scores only); white-box attacks cannot run on it");
    }

    /** Like {@link #checked(Victims)}, and checks the input options, which apply to --model only. */
    ModelSource checked(Victims victims, ModelInputOptions input) {
        if (victim != null && input.any()) {
            throw new IllegalArgumentException(input.given() + ": applies to --model only (a victim declares its own input)");
        }
        input.check();
        return checked(victims);
    }

    /**
     * The model as a white box, refused with one line when its input does not fit {@code data}
     * (shape or class count) or when it is a black box.
     */
    DifferentiableClassifier load(Victims victims, ModelInputOptions input, Dataset data) {
        return ModelFiles.whiteBox(loadAny(victims, input, data));
    }

    /**
     * Shows, once, why {@code model} runs as a black box (an ONNX file the graph executor refused),
     * if it does: for a command that goes ahead on it. The loaders themselves are silent.
     */
    static void announceBlackBox(Classifier model) {
        ModelFiles.blackBoxNotice(model).ifPresent(System.err::println);
    }

    /** The model, white or black box, refused with one line when its input does not fit {@code data}. */
    Classifier loadAny(Victims victims, ModelInputOptions input, Dataset data) {
        if (victim != null) return victims.classifier(victim);
        Classifier m = ModelFiles.load(model, input.declaration(data));
        if (!Arrays.equals(m.sampleShape(), data.sampleShape())) {
            throw new IllegalArgumentException("--model " + model + " takes input " + InputSpec.format(m.sampleShape())
                    + ", but the data (" + data.name() + ") is " + InputSpec.format(data.sampleShape()));
        }
        if (m.numClasses() != data.numClasses()) {
            throw new IllegalArgumentException("--model " + model + " has " + m.numClasses() + " classes, but the data ("
                    + data.name() + ") has " + data.numClasses());
        }
        return m;
    }

    /** The model, white or black box, with the input the options declare (or the file states): for serve, which has no data. */
    Classifier loadAny(Victims victims, ModelInputOptions input) {
        return victim != null ? victims.classifier(victim) : ModelFiles.load(model, input.declaration());
    }

    /**
     * The model as an engine loads it on other machines: a victim by name (from the fixture cache,
     * which executors must share), a model file by its SHA-256.
     */
    ModelRef ref(ModelInputOptions input, Dataset data) {
        return ref(input, data, true);
    }

    /** Like {@link #ref(ModelInputOptions, Dataset)}; {@code whiteBox} false loads a black box as its score-only view. */
    ModelRef ref(ModelInputOptions input, Dataset data, boolean whiteBox) {
        if (victim != null && whiteBox) return dev.robustgate.junit.OnEngine.ref(victim);
        if (victim != null) {
            String name = victim;
            return ModelRef.of("victim:" + name + "@" + Victims.standard().cache().directory() + "|scores-only", name,
                    () -> ScoresOnly.of(Victims.standard().classifier(name)));
        }
        // Loaded where it runs with the same input declaration (its parts: InputDeclaration is not serializable).
        InputDeclaration d = input.declaration(data);
        long[] shape = d.shape();
        double[] range = d.range();
        double[] mean = d.mean();
        double[] std = d.std();
        List<String> classes = d.classes() == null ? null : List.copyOf(d.classes());
        String origin = d.shapeOrigin();
        String variant = Arrays.toString(shape) + Arrays.toString(range) + Arrays.toString(mean) + Arrays.toString(std) + classes;
        if (!whiteBox) {
            return ModelRef.file(model, variant + "|scores-only", file -> ScoresOnly.of(ModelFiles.load(file,
                    new InputDeclaration(shape, range, mean, std, classes, origin))));
        }
        return ModelRef.file(model, variant, file -> ModelFiles.whiteBox(ModelFiles.load(file,
                new InputDeclaration(shape, range, mean, std, classes, origin))));
    }

    /** How reports name the model: the victim's name or the file's path. */
    String label() {
        return victim != null ? victim : model.toString();
    }
}
