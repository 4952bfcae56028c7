package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/**
 * Constant padding: {@code pads} as ONNX orders them, [x1_begin, x2_begin, ..., x1_end, x2_end, ...]
 * over all axes, non-negative. Reflect and edge modes are refused by the loader.
 */
public final class Pad implements Op {
    private final long[] pads;
    private final double value;

    public Pad(long[] pads, double value) {
        for (long p : pads) {
            if (p < 0) throw new IllegalArgumentException("Pad: negative pads (cropping) are not supported: " + Arrays.toString(pads));
        }
        this.pads = pads.clone();
        this.value = value;
    }

    @Override public String type() { return "Pad"; }

    private long[][] split(int rank) {
        if (pads.length != 2 * rank) {
            throw new IllegalArgumentException("Pad: " + pads.length + " pads for a rank-" + rank + " tensor (needs " + 2 * rank + ")");
        }
        return new long[][]{Arrays.copyOfRange(pads, 0, rank), Arrays.copyOfRange(pads, rank, 2 * rank)};
    }

    @Override
    public INDArray forward(INDArray[] in) {
        long[][] p = split(in[0].rank());
        return Tensors.pad(in[0], p[0], p[1], value);
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        long[][] p = split(in[0].rank());
        return new INDArray[]{Tensors.crop(g, p[0], in[0].shape())};
    }
}
