package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** tanh(x); its derivative 1 - y^2 is read from the output. */
public final class Tanh implements Op {
    @Override public String type() { return "Tanh"; }

    @Override
    public INDArray forward(INDArray[] in) {
        return Transforms.tanh(in[0], true);
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        return new INDArray[]{out.mul(out).rsubi(1.0).muli(g)};
    }
}
