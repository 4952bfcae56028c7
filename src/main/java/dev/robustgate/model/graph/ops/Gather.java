package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX Gather (data, indices) along {@code axis}; negative indices count from the end. Meant for
 * shape arithmetic (torch's flatten pattern): no gradient flows to the data.
 */
public final class Gather implements Op {
    private final int axis;

    public Gather(int axis) {
        this.axis = axis;
    }

    @Override public String type() { return "Gather"; }
    @Override public boolean differentiable(int i) { return false; }
    @Override public boolean gradientFree(int i) { return i == 1; }

    @Override
    public INDArray forward(INDArray[] in) {
        INDArray data = in[0];
        int a = Tensors.axis(axis, data.rank());
        long n = data.size(a);
        long[] idx = in[1].castTo(DataType.LONG).reshape(-1).toLongVector();
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < -n || idx[i] >= n) throw new IllegalArgumentException("Gather: index " + idx[i] + " outside axis of size " + n);
            if (idx[i] < 0) idx[i] += n;
        }
        INDArray indices = Nd4j.createFromArray(idx).reshape(in[1].shape());
        return Nd4j.exec(DynamicCustomOp.builder("gather").addInputs(data, indices).addIntegerArguments(a).build())[0];
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        throw new UnsupportedOperationException("Gather passes no gradient");
    }
}
