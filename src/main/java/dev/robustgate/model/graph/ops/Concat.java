package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The inputs joined along {@code axis}; each input's gradient is its slice of the output gradient. */
public final class Concat implements Op {
    private final int axis;

    public Concat(int axis) {
        this.axis = axis;
    }

    @Override public String type() { return "Concat"; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean gradientFree(int i) { return false; }

    @Override
    public INDArray forward(INDArray[] in) {
        int a = Tensors.axis(axis, in[0].rank());
        if (in.length == 1) return in[0].dup('c');
        return Nd4j.concat(a, in);
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        int a = Tensors.axis(axis, g.rank());
        INDArray[] gs = new INDArray[in.length];
        long at = 0;
        for (int i = 0; i < in.length; i++) {
            long size = in[i].size(a);
            if (need[i]) {
                INDArrayIndex[] idx = new INDArrayIndex[g.rank()];
                for (int d = 0; d < idx.length; d++) idx[d] = d == a ? NDArrayIndex.interval(at, at + size) : NDArrayIndex.all();
                gs[i] = g.get(idx).dup('c');
            }
            at += size;
        }
        return gs;
    }
}
