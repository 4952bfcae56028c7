package dev.robustgate.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a model's input is, declared once so that attacks never see it: the sample shape in
 * RobustGate's order (C,H,W for images, D for feature vectors), the layout the model itself takes,
 * the value range the model's raw input spans (pixels in [0,1] map onto it linearly), per-channel
 * mean/std normalisation applied after that, and optional class names.
 *
 * <p>Attacks and their eps live in pixel space ([0,1], NCHW); {@link InputAdapter} maps a batch
 * to the model's space as {@code z = (min + x * (max - min) - mean_c) / std_c}, i.e. the per-channel
 * affine map {@code z = x * scale_c + shift_c}, and chains gradients through it.
 *
 * <p>JSON (victim files): {@code {"shape": [3,32,32], "layout": "NHWC", "range": [0,255],
 * "mean": [...], "std": [...], "classes": [...]}}; everything but {@code shape} is optional.
 *
 * @param shape   sample shape in RobustGate's order: [C, H, W] or [D]
 * @param layout  how the model takes a batch: NCHW, NHWC ([N,H,W,C]) or FLAT ([N, C*H*W])
 * @param range   [min, max] of the model's raw input; pixel 0 maps to min and pixel 1 to max
 * @param mean    per-channel mean subtracted after the range map (length C, or 1 to share; D or 1 for vectors)
 * @param std     per-channel std divided by after subtracting the mean (same length rule, all > 0)
 * @param classes class names, or an empty list when the model's classes are unnamed
 */
public record InputSpec(long[] shape, InputLayout layout, double[] range, double[] mean, double[] std, List<String> classes) {

    public InputSpec {
        if (shape == null || (shape.length != 1 && shape.length != 3)) {
            throw new IllegalArgumentException("input shape must be C,H,W or D, got "
                    + (shape == null ? "none" : format(shape)));
        }
        for (long d : shape) {
            if (d < 1) throw new IllegalArgumentException("input shape " + format(shape) + " has a dimension < 1");
        }
        shape = shape.clone();
        if (layout == null) layout = shape.length == 3 ? InputLayout.NCHW : InputLayout.FLAT;
        if (shape.length == 1 && layout != InputLayout.FLAT) {
            throw new IllegalArgumentException("a feature-vector input (shape " + format(shape) + ") has layout FLAT, not " + layout);
        }
        range = range == null ? new double[]{0, 1} : range.clone();
        if (range.length != 2 || !Double.isFinite(range[0]) || !Double.isFinite(range[1]) || !(range[0] < range[1])) {
            throw new IllegalArgumentException("input range must be two finite numbers min < max, got " + Arrays.toString(range));
        }
        long channels = shape[0];
        mean = perChannel("mean", mean, 0.0, channels);
        std = perChannel("std", std, 1.0, channels);
        for (double s : std) {
            if (!(s > 0)) throw new IllegalArgumentException("std must be > 0 in every channel, got " + Arrays.toString(std));
        }
        classes = classes == null ? List.of() : List.copyOf(classes);
    }

    /** Pixels in [0,1], NCHW, no normalisation, unnamed classes. */
    public static InputSpec pixels(long... shape) {
        return new InputSpec(shape, null, null, null, null, null);
    }

    /**
     * The factory Jackson uses for victim files ({@code "input": {...}}); any field but shape may be
     * absent. {@code layout} is NCHW, NHWC or FLAT (any case).
     */
    @JsonCreator
    public static InputSpec fromJson(@JsonProperty("shape") long[] shape, @JsonProperty("layout") String layout,
                                     @JsonProperty("range") double[] range, @JsonProperty("mean") double[] mean,
                                     @JsonProperty("std") double[] std, @JsonProperty("classes") List<String> classes) {
        return new InputSpec(shape, parseLayout(layout), range, mean, std, classes);
    }

    public static InputLayout parseLayout(String layout) {
        if (layout == null) return null;
        try {
            return InputLayout.valueOf(layout.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("input layout must be NCHW, NHWC or FLAT, got '" + layout + "'");
        }
    }

    public InputSpec withShape(long... newShape) {
        // Per-channel values belong to the old channel count; keep them only where they still fit.
        return new InputSpec(newShape, newShape.length == shape.length ? layout : null, range,
                fits(mean, newShape[0]) ? mean : null, fits(std, newShape[0]) ? std : null, classes);
    }

    public InputSpec withLayout(InputLayout l) { return new InputSpec(shape, l, range, mean, std, classes); }
    public InputSpec withRange(double min, double max) { return new InputSpec(shape, layout, new double[]{min, max}, mean, std, classes); }
    public InputSpec withMean(double... m) { return new InputSpec(shape, layout, range, m, std, classes); }
    public InputSpec withStd(double... s) { return new InputSpec(shape, layout, range, mean, s, classes); }
    public InputSpec withClasses(List<String> c) { return new InputSpec(shape, layout, range, mean, std, c); }

    @Override public long[] shape() { return shape.clone(); }
    @Override public double[] range() { return range.clone(); }
    @Override public double[] mean() { return mean.clone(); }
    @Override public double[] std() { return std.clone(); }

    /** Elements in one sample. */
    public long sampleLength() {
        return Arrays.stream(shape).reduce(1, Math::multiplyExact);
    }

    /** Channels (C), or features (D) for vectors. */
    public long channels() {
        return shape[0];
    }

    /** One sample's shape as the model takes it: [C,H,W], [H,W,C] or [C*H*W]. */
    public long[] modelShape() {
        return switch (layout) {
            case NCHW -> shape.clone();
            case NHWC -> new long[]{shape[1], shape[2], shape[0]};
            case FLAT -> new long[]{sampleLength()};
        };
    }

    /** Whether the pixel-to-model map is the identity (range [0,1], mean 0, std 1). */
    public boolean mapsPixelsUnchanged() {
        if (range[0] != 0 || range[1] != 1) return false;
        for (int c = 0; c < Math.max(mean.length, std.length); c++) {
            if (meanAt(c) != 0 || stdAt(c) != 1) return false;
        }
        return true;
    }

    /** Scale of channel c's affine map z = x * scale + shift: (max - min) / std. */
    public double scale(int c) {
        return (range[1] - range[0]) / stdAt(c);
    }

    /** Shift of channel c's affine map: (min - mean) / std. */
    public double shift(int c) {
        return (range[0] - meanAt(c)) / stdAt(c);
    }

    /** Mean and std are each one value for all channels or one per channel, independently of each other. */
    private double meanAt(int c) {
        return mean[mean.length == 1 ? 0 : c];
    }

    private double stdAt(int c) {
        return std[std.length == 1 ? 0 : c];
    }

    /** Whether normalisation varies by channel (else one scale and one shift serve all). */
    boolean perChannel() {
        return mean.length > 1 || std.length > 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSpec s && Arrays.equals(shape, s.shape) && layout == s.layout
                && Arrays.equals(range, s.range) && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std)
                && classes.equals(s.classes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(shape) * 31 + layout.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("input ").append(format(shape)).append(' ').append(layout);
        if (range[0] != 0 || range[1] != 1) sb.append(" range [").append(num(range[0])).append(", ").append(num(range[1])).append(']');
        if (normalises()) {
            sb.append(" mean ").append(list(mean)).append(" std ").append(list(std));
        }
        if (!classes.isEmpty()) sb.append(" classes ").append(classes);
        return sb.toString();
    }

    private boolean normalises() {
        return !(Arrays.stream(mean).allMatch(m -> m == 0) && Arrays.stream(std).allMatch(s -> s == 1));
    }

    /** "3,32,32": the form --input-shape takes. */
    public static String format(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(","));
    }

    private static String list(double[] v) {
        return Arrays.stream(v).mapToObj(InputSpec::num).collect(Collectors.joining(",", "[", "]"));
    }

    private static String num(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    private static boolean fits(double[] v, long channels) {
        return v.length == 1 || v.length == channels;
    }

    private static double[] perChannel(String what, double[] v, double neutral, long channels) {
        if (v == null || v.length == 0) return new double[]{neutral};
        if (v.length != 1 && v.length != channels) {
            throw new IllegalArgumentException(what + " has " + v.length + " values for " + channels
                    + " channels (give one per channel, or one for all)");
        }
        for (double d : v) {
            if (!Double.isFinite(d)) throw new IllegalArgumentException(what + " must be finite, got " + Arrays.toString(v));
        }
        return v.clone();
    }
}
