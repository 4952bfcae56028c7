package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/** ONNX Shape: the input's shape as an int64 vector, optionally the slice [start, end). */
public final class ShapeOf implements Op {
    private final Integer start;
    private final Integer end;

    public ShapeOf(Integer start, Integer end) {
        this.start = start;
        this.end = end;
    }

    @Override public String type() { return "Shape"; }
    @Override public boolean differentiable(int i) { return false; }
    @Override public boolean gradientFree(int i) { return true; }

    @Override
    public INDArray forward(INDArray[] in) {
        long[] s = in[0].shape();
        int r = s.length;
        int from = start == null ? 0 : Math.max(0, Math.min(r, start < 0 ? start + r : start));
        int to = end == null ? r : Math.max(0, Math.min(r, end < 0 ? end + r : end));
        return Nd4j.createFromArray(Arrays.copyOfRange(s, from, Math.max(from, to)));
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        throw new UnsupportedOperationException("Shape has no gradient");
    }
}
