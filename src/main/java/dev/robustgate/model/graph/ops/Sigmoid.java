package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** 1 / (1 + exp(-x)); its derivative y (1 - y) is read from the output. */
public final class Sigmoid implements Op {
    @Override public String type() { return "Sigmoid"; }

    @Override
    public INDArray forward(INDArray[] in) {
        return Transforms.sigmoid(in[0], true);
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        return new INDArray[]{out.rsub(1.0).muli(out).muli(g)};
    }
}
