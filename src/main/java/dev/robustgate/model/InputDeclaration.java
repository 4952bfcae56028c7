package dev.robustgate.model;

import java.util.Arrays;
import java.util.List;

/**
 * What a user declared about a model's input (CLI options or a victim file), each part optional;
 * {@link #over} lays it over what the model file itself says ({@link InputSpec} of the loader).
 * A declared shape must agree with a shape the file states: disagreement is refused at load.
 */
public record InputDeclaration(long[] shape, double[] range, double[] mean, double[] std, List<String> classes, String shapeOrigin) {
    public static final InputDeclaration NONE = new InputDeclaration(null, null, null, null, null, null);

    /** What a shape without an origin is called in errors. */
    public InputDeclaration {
        if (shapeOrigin == null) shapeOrigin = "--input-shape";
    }

    /** The same declaration with {@code shape} (from {@code origin}, e.g. "the data (fashion-mnist)") where none was declared. */
    public InputDeclaration withDefaultShape(long[] s, String origin) {
        return shape != null ? this : new InputDeclaration(s, range, mean, std, classes, origin);
    }

    public static InputDeclaration of(InputSpec spec) {
        return new InputDeclaration(spec.shape(), spec.range(), spec.mean(), spec.std(), spec.classes(), "the input declaration");
    }

    /**
     * The spec to wrap the model with. {@code naturalShape} is the sample shape the file states
     * (dimensions < 1 where it does not say), {@code layout} how the model takes a batch, and
     * {@code what} names the file in errors.
     */
    public InputSpec over(long[] naturalShape, InputLayout layout, String what) {
        long[] s = naturalShape;
        if (shape != null) {
            if (!fits(shape, naturalShape)) {
                throw new IllegalArgumentException(what + " takes input " + describe(naturalShape) + ", but " + shapeOrigin + " is "
                        + InputSpec.format(shape));
            }
            s = shape;
        } else if (Arrays.stream(naturalShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException(what + " does not state its full input shape (" + describe(naturalShape)
                    + "): declare it, e.g. --input-shape " + example(naturalShape));
        }
        InputSpec spec = new InputSpec(s, s.length == 1 ? InputLayout.FLAT : layout, null, null, null, null);
        if (range != null) spec = spec.withRange(range[0], range[1]);
        if (mean != null) spec = spec.withMean(mean);
        if (std != null) spec = spec.withStd(std);
        if (classes != null && !classes.isEmpty()) spec = spec.withClasses(classes);
        return spec;
    }

    private static boolean fits(long[] declared, long[] natural) {
        if (declared.length != natural.length) return false;
        for (int i = 0; i < declared.length; i++) {
            if (natural[i] >= 1 && natural[i] != declared[i]) return false;
        }
        return true;
    }

    /** "3,32,32", with unknown dimensions as "?". */
    public static String describe(long[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(shape[i] >= 1 ? Long.toString(shape[i]) : "?");
        }
        return sb.toString();
    }

    private static String example(long[] shape) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) sb.append(',');
            sb.append(shape[i] >= 1 ? shape[i] : 32);
        }
        return sb.toString();
    }
}
