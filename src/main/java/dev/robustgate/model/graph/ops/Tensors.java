package dev.robustgate.model.graph.ops;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/** Shape helpers shared by the ops: broadcasting, reductions back to a shape, padding, cropping. */
final class Tensors {
    private Tensors() {}

    /** Numpy broadcasting of two shapes, or an exception naming both. */
    static long[] broadcast(long[] a, long[] b) {
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i < r - a.length ? 1 : a[i - (r - a.length)];
            long db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                throw new IllegalArgumentException("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** {@code a} as a rank-{@code rank} array with leading unit axes (a view when reshaped). */
    static INDArray toRank(INDArray a, int rank) {
        if (a.rank() == rank) return a;
        long[] s = new long[rank];
        Arrays.fill(s, 1);
        System.arraycopy(a.shape(), 0, s, rank - a.rank(), a.rank());
        return a.reshape('c', s);
    }

    /**
     * The gradient {@code g} of a broadcast result summed back to an operand of shape {@code shape}.
     * Returns {@code g} itself when no axis was broadcast.
     */
    static INDArray sumToShape(INDArray g, long[] shape) {
        if (Arrays.equals(g.shape(), shape)) return g;
        int lead = g.rank() - shape.length;
        int[] axes = new int[g.rank()];
        int k = 0;
        for (int i = 0; i < g.rank(); i++) {
            if (i < lead || (shape[i - lead] == 1 && g.size(i) != 1)) axes[k++] = i;
        }
        INDArray s = k == 0 ? g.dup() : g.sum(true, Arrays.copyOf(axes, k));
        return reshapedOwned(s, shape);
    }

    /** {@code x} padded with {@code value}: {@code before[i]}/{@code after[i]} elements on axis i. */
    static INDArray pad(INDArray x, long[] before, long[] after, double value) {
        long[] shape = x.shape().clone();
        INDArrayIndex[] inner = new INDArrayIndex[shape.length];
        for (int i = 0; i < shape.length; i++) {
            inner[i] = NDArrayIndex.interval(before[i], before[i] + shape[i]);
            shape[i] += before[i] + after[i];
        }
        INDArray out = Nd4j.valueArrayOf(shape, value, x.dataType());
        out.get(inner).assign(x);
        return out;
    }

    /** The part of {@code g} that {@link #pad} took from its input, as a fresh array. */
    static INDArray crop(INDArray g, long[] before, long[] shape) {
        INDArrayIndex[] inner = new INDArrayIndex[shape.length];
        for (int i = 0; i < shape.length; i++) inner[i] = NDArrayIndex.interval(before[i], before[i] + shape[i]);
        return g.get(inner).dup('c');
    }

    /** Spatial padding of an NCHW tensor: top, left, bottom, right. */
    static INDArray pad2d(INDArray x, long[] tlbr, double value) {
        return pad(x, new long[]{0, 0, tlbr[0], tlbr[1]}, new long[]{0, 0, tlbr[2], tlbr[3]}, value);
    }

    static INDArray crop2d(INDArray g, long[] tlbr, long[] shape) {
        return crop(g, new long[]{0, 0, tlbr[0], tlbr[1]}, shape);
    }

    static int axis(int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new IllegalArgumentException("axis " + axis + " is outside a rank-" + rank + " tensor");
        return a;
    }

    static long product(long[] s, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) p *= s[i];
        return p;
    }

    /**
     * {@code x} reshaped (row-major) as a fresh array: ND4J's reshape returns a view, which cannot be
     * closed, so an op's output must not be one.
     */
    static INDArray reshaped(INDArray x, long... shape) {
        return x.reshape('c', shape).dup('c');
    }

    /** {@link #reshaped}, freeing {@code temp}, a temporary of the caller's. */
    static INDArray reshapedOwned(INDArray temp, long... shape) {
        if (java.util.Arrays.equals(temp.shape(), shape)) return temp;
        INDArray r = reshaped(temp, shape);
        temp.close();
        return r;
    }

    /** libnd4j's integer arguments are ints. */
    static int[] ints(long... v) {
        int[] r = new int[v.length];
        for (int i = 0; i < v.length; i++) r[i] = Math.toIntExact(v[i]);
        return r;
    }
}
