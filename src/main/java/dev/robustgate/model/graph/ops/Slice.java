package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * ONNX Slice with constant starts, ends, axes and steps (negative steps included; out-of-range
 * bounds clamped as ONNX specifies). The gradient scatters the output gradient back into zeros.
 */
public final class Slice implements Op {
    private final long[] starts;
    private final long[] ends;
    private final long[] axes;
    private final long[] steps;

    /** {@code axes} null: 0..k-1; {@code steps} null: all 1. */
    public Slice(long[] starts, long[] ends, long[] axes, long[] steps) {
        this.starts = starts.clone();
        this.ends = ends.clone();
        this.axes = axes == null ? null : axes.clone();
        this.steps = steps == null ? null : steps.clone();
        if (starts.length != ends.length) throw new IllegalArgumentException("Slice: " + starts.length + " starts but " + ends.length + " ends");
    }

    @Override public String type() { return "Slice"; }

    /** The output shape, or null when no axis is empty. */
    private long[] emptyShape(long[] shape) {
        INDArrayIndex[] idx = indices(shape);
        long[] out = shape.clone();
        boolean empty = false;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] == null) { out[i] = 0; empty = true; }
        }
        return empty ? out : null;
    }

    /** Per-axis indices; null on an axis the slice leaves empty. */
    private INDArrayIndex[] indices(long[] shape) {
        INDArrayIndex[] idx = new INDArrayIndex[shape.length];
        Arrays.fill(idx, NDArrayIndex.all());
        for (int k = 0; k < starts.length; k++) {
            int a = Tensors.axis(axes == null ? k : (int) axes[k], shape.length);
            long n = shape[a], step = steps == null ? 1 : steps[k];
            if (step == 0) throw new IllegalArgumentException("Slice: step 0");
            long s = starts[k] < 0 ? starts[k] + n : starts[k];
            long e = ends[k] < 0 ? ends[k] + n : ends[k];
            if (step > 0) { s = clamp(s, 0, n); e = clamp(e, 0, n); }
            else { s = clamp(s, 0, n - 1); e = clamp(e, -1, n - 1); }
            int count = (int) Math.max(0, step > 0 ? (e - s + step - 1) / step : (s - e - step - 1) / -step);
            long[] picks = new long[count];
            for (int i = 0; i < count; i++) picks[i] = s + i * step;
            if (count == 0) { idx[a] = null; continue; }
            idx[a] = step == 1 ? NDArrayIndex.interval(s, s + count) : NDArrayIndex.indices(picks);
        }
        return idx;
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    @Override
    public INDArray forward(INDArray[] in) {
        long[] empty = emptyShape(in[0].shape());
        if (empty != null) return org.nd4j.linalg.factory.Nd4j.create(in[0].dataType(), empty);
        return in[0].get(indices(in[0].shape())).dup('c');
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        INDArray gx = in[0].ulike().assign(0);
        if (emptyShape(in[0].shape()) != null) return new INDArray[]{gx};
        gx.put(indices(in[0].shape()), g);
        return new INDArray[]{gx};
    }
}
