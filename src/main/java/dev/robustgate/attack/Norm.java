package dev.robustgate.attack;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The threat model's distance. Works on [N, D] rows (callers flatten). */
public enum Norm {
    LINF("Linf"), L2("L2");

    private final String label;

    Norm(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Per-row distance of {@code delta} [N, D]. */
    public double[] rowNorms(INDArray delta) {
        INDArray norms = this == LINF ? Transforms.abs(delta, true).max(1) : delta.norm2(1);
        return norms.toDoubleVector();
    }

    public static Norm parse(String s) {
        return switch (s.trim().toLowerCase()) {
            case "linf", "inf", "l_inf" -> LINF;
            case "l2" -> L2;
            default -> throw new IllegalArgumentException("unknown norm '" + s + "': use linf or l2");
        };
    }
}
