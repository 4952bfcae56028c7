package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** min(max(x, min), max); the gradient passes where min <= x <= max. */
public final class Clip implements Op {
    private final double min;
    private final double max;

    public Clip(double min, double max) {
        this.min = min;
        this.max = max;
    }

    @Override public String type() { return "Clip"; }

    @Override
    public INDArray forward(INDArray[] in) {
        INDArray lo = Transforms.max(in[0], min, true);
        return Transforms.min(lo, max, false);
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        INDArray x = in[0];
        INDArray pass = x.gte(min).castTo(g.dataType()).muli(x.lte(max).castTo(g.dataType()));
        return new INDArray[]{pass.muli(g)};
    }
}
