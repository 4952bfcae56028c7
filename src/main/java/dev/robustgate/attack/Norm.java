package dev.robustgate.attack;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The threat model's distance. Works on [N, D] rows (callers flatten). L0 (the number of changed
 * features) is the distance of the sparse attack JSMA only: it has no ball geometry for the
 * Lp attacks, and {@link #parse} does not accept it.
 */
public enum Norm {
    LINF("Linf"), L2("L2"), L0("L0");

    private final String label;

    Norm(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Per-row distance of {@code delta} [N, D]. */
    public double[] rowNorms(INDArray delta) {
        if (this == L0) {
            return delta.neq(0).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).sum(1).toDoubleVector();
        }
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
