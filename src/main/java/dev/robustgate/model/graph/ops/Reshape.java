package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * The input (data, shape) reshaped in row-major order. In the shape, -1 is inferred and 0 copies
 * the input's size on that axis (unless allowzero). The shape is read at run time, so that torch's
 * Shape -> Gather -> Concat -> Reshape flatten keeps a dynamic batch.
 */
public final class Reshape implements Op {
    private final boolean allowZero;

    public Reshape(boolean allowZero) {
        this.allowZero = allowZero;
    }

    @Override public String type() { return "Reshape"; }

    static long[] resolve(long[] in, long[] spec, boolean allowZero) {
        long[] s = spec.clone();
        int infer = -1;
        long known = 1, total = 1;
        for (long d : in) total *= d;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == 0 && !allowZero) {
                if (i >= in.length) throw new IllegalArgumentException("Reshape: 0 at axis " + i + " copies no input axis");
                s[i] = in[i];
            }
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("Reshape: more than one -1 in " + Arrays.toString(spec));
                infer = i;
            } else {
                known *= s[i];
            }
        }
        if (infer >= 0) s[infer] = known == 0 ? 0 : total / known;
        long n = 1;
        for (long d : s) n *= d;
        if (n != total) {
            throw new IllegalArgumentException("Reshape: cannot view " + Arrays.toString(in) + " as " + Arrays.toString(spec));
        }
        return s;
    }

    @Override
    public INDArray forward(INDArray[] in) {
        long[] target = resolve(in[0].shape(), in[1].toLongVector(), allowZero);
        return Tensors.reshaped(in[0], target);
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        return new INDArray[]{Tensors.reshaped(g, in[0].shape()), null};
    }
}
