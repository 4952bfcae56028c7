package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The input as a matrix [prod(shape[:axis]), prod(shape[axis:])] (ONNX's default axis is 1). */
public final class Flatten implements Op {
    private final int axis;

    public Flatten(int axis) {
        this.axis = axis;
    }

    @Override public String type() { return "Flatten"; }

    @Override
    public INDArray forward(INDArray[] in) {
        INDArray x = in[0];
        long[] s = x.shape();
        int a = axis < 0 ? axis + s.length : axis;
        if (a < 0 || a > s.length) throw new IllegalArgumentException("Flatten axis " + axis + " is outside a rank-" + s.length + " tensor");
        return Tensors.reshaped(x, Tensors.product(s, 0, a), Tensors.product(s, a, s.length));
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        return new INDArray[]{Tensors.reshaped(g, in[0].shape())};
    }
}
