package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The input converted to another element type; the gradient passes only between float types. */
public final class Cast implements Op {
    private final DataType to;

    public Cast(DataType to) {
        this.to = to;
    }

    @Override public String type() { return "Cast"; }
    @Override public boolean differentiable(int i) { return to.isFPType(); }
    @Override public boolean gradientFree(int i) { return !to.isFPType(); }

    @Override
    public INDArray forward(INDArray[] in) {
        return in[0].dataType() == to ? in[0].dup() : in[0].castTo(to);
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        return new INDArray[]{g.dataType() == in[0].dataType() ? g : g.castTo(in[0].dataType())};
    }
}
