package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/** x, a copy; also inference-mode Dropout, which ONNX defines as the identity. */
public final class Identity implements Op {
    private final String type;

    public Identity() {
        this("Identity");
    }

    /** An identity that reports itself as {@code type}, e.g. "Dropout". */
    public Identity(String type) {
        this.type = type;
    }

    @Override public String type() { return type; }

    @Override
    public INDArray forward(INDArray[] in) {
        return in[0].dup();
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        return new INDArray[]{g};
    }
}
