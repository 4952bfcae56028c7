package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * ReduceMean, ReduceSum and GlobalAveragePool (the mean over every axis after the channel axis,
 * kept). Axes may be negative; no axes means every axis (or, with noop_with_empty_axes, the
 * identity).
 */
public final class Reduce implements Op {
    private final String type;
    private final boolean mean;
    private final int[] axes;
    private final boolean keepDims;
    private final boolean noopWithEmptyAxes;
    private final boolean spatial;

    private Reduce(String type, boolean mean, int[] axes, boolean keepDims, boolean noopWithEmptyAxes, boolean spatial) {
        this.type = type;
        this.mean = mean;
        this.axes = axes == null ? null : axes.clone();
        this.keepDims = keepDims;
        this.noopWithEmptyAxes = noopWithEmptyAxes;
        this.spatial = spatial;
    }

    /** Axes null or empty: all axes. */
    public static Reduce mean(int[] axes, boolean keepDims) {
        return new Reduce("ReduceMean", true, axes, keepDims, false, false);
    }

    public static Reduce sum(int[] axes, boolean keepDims, boolean noopWithEmptyAxes) {
        return new Reduce("ReduceSum", false, axes, keepDims, noopWithEmptyAxes, false);
    }

    public static Reduce globalAverage() {
        return new Reduce("GlobalAveragePool", true, null, true, false, true);
    }

    @Override public String type() { return type; }

    private int[] resolvedAxes(int rank) {
        if (spatial) {
            int[] a = new int[rank - 2];
            for (int i = 2; i < rank; i++) a[i - 2] = i;
            return a;
        }
        if (axes == null || axes.length == 0) {
            if (noopWithEmptyAxes) return new int[0];
            int[] a = new int[rank];
            for (int i = 0; i < rank; i++) a[i] = i;
            return a;
        }
        int[] a = new int[axes.length];
        for (int i = 0; i < axes.length; i++) a[i] = Tensors.axis(axes[i], rank);
        Arrays.sort(a);
        return a;
    }

    @Override
    public INDArray forward(INDArray[] in) {
        INDArray x = in[0];
        int[] a = resolvedAxes(x.rank());
        if (a.length == 0) return x.dup();
        INDArray r = mean ? x.mean(true, a) : x.sum(true, a);
        return keepDims ? r : Tensors.reshapedOwned(r, reducedShape(x.shape(), a, false));
    }

    private static long[] reducedShape(long[] shape, int[] axes, boolean keep) {
        long[] s = new long[keep ? shape.length : shape.length - axes.length];
        int k = 0;
        for (int i = 0; i < shape.length; i++) {
            boolean reduced = Arrays.binarySearch(axes, i) >= 0;
            if (keep) s[k++] = reduced ? 1 : shape[i];
            else if (!reduced) s[k++] = shape[i];
        }
        return s;
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        INDArray x = in[0];
        int[] a = resolvedAxes(x.rank());
        if (a.length == 0) return new INDArray[]{g};
        INDArray gk = g.reshape('c', reducedShape(x.shape(), a, true));
        INDArray gx = Nd4j.zeros(g.dataType(), x.shape());
        Nd4j.exec(DynamicCustomOp.builder("add").addInputs(gx, gk).addOutputs(gx).build());
        if (mean) {
            long n = 1;
            for (int i : a) n *= x.size(i);
            gx.divi(n);
        }
        return new INDArray[]{gx};
    }
}
