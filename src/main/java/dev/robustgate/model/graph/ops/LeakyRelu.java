package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** x for x > 0, alpha * x otherwise (ONNX's default alpha is 0.01). */
public final class LeakyRelu implements Op {
    private final double alpha;

    public LeakyRelu(double alpha) {
        this.alpha = alpha;
    }

    @Override public String type() { return "LeakyRelu"; }

    @Override
    public INDArray forward(INDArray[] in) {
        return Transforms.leakyRelu(in[0], alpha, true);
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        // slope = alpha + (1 - alpha) * [x > 0]
        INDArray slope = in[0].gt(0).castTo(g.dataType()).muli(1 - alpha).addi(alpha);
        return new INDArray[]{slope.muli(g)};
    }
}
