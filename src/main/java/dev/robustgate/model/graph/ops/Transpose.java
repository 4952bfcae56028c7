package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Axes permuted: output axis i is input axis perm[i] (no perm: the axes reversed). */
public final class Transpose implements Op {
    private final int[] perm;

    /** {@code perm} null reverses the axes. */
    public Transpose(int[] perm) {
        this.perm = perm == null ? null : perm.clone();
    }

    @Override public String type() { return "Transpose"; }

    private int[] perm(int rank) {
        if (perm != null) return perm;
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) p[i] = rank - 1 - i;
        return p;
    }

    @Override
    public INDArray forward(INDArray[] in) {
        return in[0].permute(perm(in[0].rank())).dup('c');
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        int[] p = perm(in[0].rank());
        int[] inverse = new int[p.length];
        for (int i = 0; i < p.length; i++) inverse[p[i]] = i;
        return new INDArray[]{g.permute(inverse).dup('c')};
    }
}
