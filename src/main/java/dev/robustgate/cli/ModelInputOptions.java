package dev.robustgate.cli;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.InputDeclaration;
import dev.robustgate.model.InputSpec;
import picocli.CommandLine.Option;

import java.util.Arrays;
import java.util.List;

/**
 * What a {@code --model} file's input is, for eval, bench and steal (a picocli mixin): the
 * shape, the value range, per-channel mean/std and class names. Pixels stay in [0,1] for the
 * attacks; the model sees {@code (min + x * (max - min) - mean) / std} (see InputSpec).
 */
final class ModelInputOptions {
    @Option(names = "--input-shape", split = ",", paramLabel = "C,H,W|D", hideParamSyntax = true,
            description = "The model's input per sample, e.g. 3,32,32 (default: what the file states, else the data's shape).")
    long[] shape;
    @Option(names = "--input-range", split = ",", paramLabel = "MIN,MAX", hideParamSyntax = true,
            description = "The raw value range the model was trained on, e.g. 0,255 (default: 0,1).")
    double[] range;
    @Option(names = "--mean", split = ",", paramLabel = "M1,M2,...", hideParamSyntax = true, description = "Per-channel mean the model subtracts (one value, or one per channel).")
    double[] mean;
    @Option(names = "--std", split = ",", paramLabel = "S1,S2,...", hideParamSyntax = true, description = "Per-channel std the model divides by (one value, or one per channel).")
    double[] std;
    @Option(names = "--classes", split = ",", paramLabel = "NAME,...", hideParamSyntax = true, description = "Class names, in the model's output order.")
    List<String> classes;

    boolean any() {
        return shape != null || range != null || mean != null || std != null || classes != null;
    }

    /** The option names given, for "applies to --model only". */
    String given() {
        StringBuilder sb = new StringBuilder();
        if (shape != null) sb.append("--input-shape ");
        if (range != null) sb.append("--input-range ");
        if (mean != null) sb.append("--mean ");
        if (std != null) sb.append("--std ");
        if (classes != null) sb.append("--classes ");
        return sb.toString().trim();
    }

    /** Checks the values on their own (before any model is loaded). */
    void check() {
        if (range != null && range.length != 2) {
            throw new IllegalArgumentException("--input-range takes MIN,MAX, got " + Arrays.toString(range));
        }
        if (shape != null) {
            InputSpec s = InputSpec.pixels(shape);   // C,H,W or D, each >= 1
            if (range != null) s = s.withRange(range[0], range[1]);
            if (mean != null) s = s.withMean(mean);
            if (std != null) s.withStd(std);
        } else {
            if (std != null) InputSpec.pixels(std.length).withStd(std);
            if (mean != null) InputSpec.pixels(mean.length).withMean(mean);
            if (range != null) InputSpec.pixels(1).withRange(range[0], range[1]);
        }
    }

    /** The declaration as given, for commands without data (serve): the file's own shape where no --input-shape was given. */
    InputDeclaration declaration() {
        return new InputDeclaration(shape, range, mean, std, classes, null);
    }

    /** The declaration, with the data's sample shape where no --input-shape was given. */
    InputDeclaration declaration(Dataset data) {
        InputDeclaration d = new InputDeclaration(shape, range, mean, std, classes, null);
        return d.withDefaultShape(data.sampleShape(), "the data (" + data.name() + ")");
    }
}
