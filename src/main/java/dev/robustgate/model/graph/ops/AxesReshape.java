package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** ONNX Unsqueeze (unit axes inserted) and Squeeze (unit axes removed; no axes: all unit axes). */
public final class AxesReshape implements Op {
    private final boolean insert;
    private final long[] axes;

    private AxesReshape(boolean insert, long[] axes) {
        this.insert = insert;
        this.axes = axes == null ? null : axes.clone();
    }

    public static AxesReshape unsqueeze(long[] axes) { return new AxesReshape(true, axes); }
    public static AxesReshape squeeze(long[] axes) { return new AxesReshape(false, axes); }

    @Override public String type() { return insert ? "Unsqueeze" : "Squeeze"; }

    private long[] shape(long[] in) {
        List<Long> out = new ArrayList<>();
        if (insert) {
            int r = in.length + axes.length;
            boolean[] unit = new boolean[r];
            for (long a : axes) unit[Tensors.axis((int) a, r)] = true;
            int k = 0;
            for (int i = 0; i < r; i++) out.add(unit[i] ? 1L : in[k++]);
        } else {
            boolean[] drop = new boolean[in.length];
            if (axes == null || axes.length == 0) {
                for (int i = 0; i < in.length; i++) drop[i] = in[i] == 1;
            } else {
                for (long a : axes) {
                    int i = Tensors.axis((int) a, in.length);
                    if (in[i] != 1) throw new IllegalArgumentException("Squeeze: axis " + a + " of " + Arrays.toString(in) + " is not 1");
                    drop[i] = true;
                }
            }
            for (int i = 0; i < in.length; i++) if (!drop[i]) out.add(in[i]);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public INDArray forward(INDArray[] in) {
        return Tensors.reshaped(in[0], shape(in[0].shape()));
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        return new INDArray[]{Tensors.reshaped(g, in[0].shape())};
    }
}
