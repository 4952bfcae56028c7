package dev.robustgate.model.graph.ops;

import java.util.Arrays;
import java.util.Locale;

/**
 * The spatial padding of a 2-D window op: explicit (top, left, bottom, right) or ONNX's auto_pad
 * (SAME_UPPER puts the odd extra row at the end, SAME_LOWER at the start; VALID pads nothing).
 */
public record Padding(Mode mode, long[] explicit) {
    public enum Mode { EXPLICIT, SAME_UPPER, SAME_LOWER, VALID }

    public static Padding none() { return new Padding(Mode.EXPLICIT, new long[4]); }

    /** Explicit pads: top, left, bottom, right. */
    public static Padding of(long top, long left, long bottom, long right) {
        return new Padding(Mode.EXPLICIT, new long[]{top, left, bottom, right});
    }

    public static Padding symmetric(long h, long w) {
        return of(h, w, h, w);
    }

    /** ONNX's "pads" attribute [x1_begin, x2_begin, x1_end, x2_end] and auto_pad string. */
    public static Padding onnx(String autoPad, long[] pads) {
        String a = autoPad == null || autoPad.isEmpty() ? "NOTSET" : autoPad.toUpperCase(Locale.ROOT);
        return switch (a) {
            case "NOTSET" -> new Padding(Mode.EXPLICIT, pads == null ? new long[4] : pads.clone());
            case "SAME_UPPER" -> new Padding(Mode.SAME_UPPER, null);
            case "SAME_LOWER" -> new Padding(Mode.SAME_LOWER, null);
            case "VALID" -> new Padding(Mode.VALID, null);
            default -> throw new IllegalArgumentException("auto_pad '" + autoPad + "' is not one of NOTSET, SAME_UPPER, SAME_LOWER, VALID");
        };
    }

    /** Pads (top, left, bottom, right) for an input of h x w, kernel k, strides s, dilations d. */
    long[] resolve(long h, long w, long[] k, long[] s, long[] d) {
        return switch (mode) {
            case EXPLICIT -> explicit.clone();
            case VALID -> new long[4];
            case SAME_UPPER, SAME_LOWER -> {
                long th = total(h, k[0], s[0], d[0]), tw = total(w, k[1], s[1], d[1]);
                boolean upper = mode == Mode.SAME_UPPER;
                yield upper ? new long[]{th / 2, tw / 2, th - th / 2, tw - tw / 2}
                        : new long[]{th - th / 2, tw - tw / 2, th / 2, tw / 2};
            }
        };
    }

    private static long total(long in, long k, long s, long d) {
        long out = (in + s - 1) / s;
        return Math.max((out - 1) * s + (k - 1) * d + 1 - in, 0);
    }

    @Override
    public String toString() {
        return mode == Mode.EXPLICIT ? "pads" + Arrays.toString(explicit) : mode.name();
    }
}
