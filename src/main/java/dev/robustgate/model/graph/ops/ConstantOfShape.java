package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** ONNX ConstantOfShape: a tensor of the shape given by its int64 input, filled with one value. */
public final class ConstantOfShape implements Op {
    private final double value;
    private final DataType dataType;

    public ConstantOfShape(double value, DataType dataType) {
        this.value = value;
        this.dataType = dataType;
    }

    @Override public String type() { return "ConstantOfShape"; }
    @Override public boolean differentiable(int i) { return false; }
    @Override public boolean gradientFree(int i) { return true; }

    @Override
    public INDArray forward(INDArray[] in) {
        long[] shape = in[0].castTo(DataType.LONG).reshape(-1).toLongVector();
        if (shape.length == 0) return Nd4j.scalar(dataType, value);
        for (long d : shape) if (d == 0) return Nd4j.create(dataType, shape);
        return Nd4j.valueArrayOf(shape, value, dataType);
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        throw new UnsupportedOperationException("ConstantOfShape has no gradient");
    }
}
