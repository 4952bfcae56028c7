package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/** max(x, 0). */
public final class Relu implements Op {
    @Override public String type() { return "Relu"; }

    @Override
    public INDArray forward(INDArray[] in) {
        return Transforms.relu(in[0], true);
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        INDArray gx = g.ulike();
        // relu_bp passes g where its first input is > 0.
        Nd4j.exec(DynamicCustomOp.builder("relu_bp").addInputs(in[0], g).addOutputs(gx).addFloatingPointArguments(0.0).build());
        return new INDArray[]{gx};
    }
}
