package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * 2-D max or average pooling of NCHW input, with strides, dilations, explicit/asymmetric/"same"
 * padding and ceil mode. Max pooling with symmetric padding goes straight to libnd4j's maxpool2d;
 * otherwise the input is padded explicitly (with -inf for max, zeros for average) and pooled
 * unpadded. Average pooling then rescales each output by kH*kW / (elements counted), where the
 * counted elements are the real ones (count_include_pad = 0) or the real and padded ones (1), but
 * never the extra rows of ceil mode.
 */
public final class Pool implements Op {
    private final boolean max;
    private final long[] kernel;
    private final long[] strides;
    private final long[] dilations;
    private final Padding padding;
    private final boolean ceil;
    private final boolean countIncludePad;

    private Pool(boolean max, long[] kernel, long[] strides, long[] dilations, Padding padding, boolean ceil, boolean countIncludePad) {
        if (kernel.length != 2 || strides.length != 2 || dilations.length != 2) {
            throw new IllegalArgumentException("pooling here is 2-D: kernel, strides and dilations need 2 values, got "
                    + Arrays.toString(kernel) + ", " + Arrays.toString(strides) + ", " + Arrays.toString(dilations));
        }
        if (dilations[0] != 1 || dilations[1] != 1) {
            // libnd4j M2.1's maxpool2d ignores dilation (ONNX test_maxpool_2d_dilations: 6 where 11 is right).
            throw new IllegalArgumentException("dilated pooling " + Arrays.toString(dilations) + " is not supported");
        }
        this.max = max;
        this.kernel = kernel.clone();
        this.strides = strides.clone();
        this.dilations = dilations.clone();
        this.padding = padding;
        this.ceil = ceil;
        this.countIncludePad = countIncludePad;
    }

    public static Pool max(long[] kernel, long[] strides, long[] dilations, Padding padding, boolean ceil) {
        return new Pool(true, kernel, strides, dilations, padding, ceil, false);
    }

    public static Pool average(long[] kernel, long[] strides, Padding padding, boolean ceil, boolean countIncludePad) {
        return new Pool(false, kernel, strides, new long[]{1, 1}, padding, ceil, countIncludePad);
    }

    @Override public String type() { return max ? "MaxPool" : "AveragePool"; }

    /** Pads (top, left, bottom, right) including ceil mode's extra rows, and the declared ones alone. */
    private long[][] pads(INDArray x) {
        long h = x.size(2), w = x.size(3);
        long[] p = padding.resolve(h, w, kernel, strides, dilations);
        long[] all = p.clone();
        if (ceil) {
            long[] size = {h, w};
            for (int a = 0; a < 2; a++) {
                long span = size[a] + p[a] + p[a + 2] - ((kernel[a] - 1) * dilations[a] + 1);
                long out = -Math.floorDiv(-span, strides[a]) + 1;
                // The last window must start inside the input or its leading padding.
                if ((out - 1) * strides[a] >= size[a] + p[a]) out--;
                long need = (out - 1) * strides[a] + (kernel[a] - 1) * dilations[a] + 1 - (size[a] + p[a] + p[a + 2]);
                if (need > 0) all[a + 2] += need;
            }
        }
        return new long[][]{all, p};
    }

    private static boolean symmetric(long[] p) {
        return p[0] == p[2] && p[1] == p[3];
    }

    private static boolean zero(long[] p) {
        return p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0;
    }

    private DynamicCustomOp.DynamicCustomOpsBuilder op(String name, long ph, long pw) {
        // iArgs: kernel, strides, pads, dilations, same mode (0), extraParam0 (1: divide by kH*kW), NCHW (0).
        return DynamicCustomOp.builder(name).addIntegerArguments(Tensors.ints(kernel[0], kernel[1], strides[0], strides[1], ph, pw,
                dilations[0], dilations[1], 0, 1, 0));
    }

    @Override
    public INDArray forward(INDArray[] in) {
        INDArray x = in[0];
        if (x.rank() != 4) throw new IllegalArgumentException(type() + " here is 2-D: input " + Arrays.toString(x.shape()) + " must have rank 4");
        long[][] pp = pads(x);
        long[] p = pp[0];
        if (max && symmetric(p)) {
            return Nd4j.exec(op("maxpool2d", p[0], p[1]).addInputs(x).build())[0];
        }
        INDArray xp = zero(p) ? x : Tensors.pad2d(x, p, max ? Double.NEGATIVE_INFINITY : 0);
        INDArray out = Nd4j.exec(op(max ? "maxpool2d" : "avgpool2d", 0, 0).addInputs(xp).build())[0];
        if (xp != x) xp.close();
        if (!max) {
            INDArray f = countFactor(x, pp);
            if (f != null) { out.muli(f); f.close(); }
        }
        return out;
    }

    /** kH*kW / (elements counted) per output position [1, 1, oH, oW], or null when all are 1. */
    private INDArray countFactor(INDArray x, long[][] pp) {
        long[] all = pp[0], declared = pp[1];
        if (zero(all)) return null;
        long[] counted = countIncludePad ? declared : new long[4];
        INDArray ones = Nd4j.ones(x.dataType(), 1, 1, x.size(2) + counted[0] + counted[2], x.size(3) + counted[1] + counted[3]);
        long[] rest = {all[0] - counted[0], all[1] - counted[1], all[2] - counted[2], all[3] - counted[3]};
        INDArray mask = Tensors.pad2d(ones, rest, 0);
        ones.close();
        INDArray frac = Nd4j.exec(op("avgpool2d", 0, 0).addInputs(mask).build())[0];
        mask.close();
        return frac.rdivi(1.0);
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        INDArray x = in[0];
        long[][] pp = pads(x);
        long[] p = pp[0];
        if (max && symmetric(p)) {
            INDArray gx = x.ulike();
            Nd4j.exec(op("maxpool2d_bp", p[0], p[1]).addInputs(x, g).addOutputs(gx).build());
            return new INDArray[]{gx};
        }
        INDArray xp = zero(p) ? x : Tensors.pad2d(x, p, max ? Double.NEGATIVE_INFINITY : 0);
        INDArray gIn = g;
        if (!max) {
            INDArray f = countFactor(x, pp);
            if (f != null) { gIn = g.mul(f); f.close(); }
        }
        INDArray gxp = xp.ulike();
        Nd4j.exec(op(max ? "maxpool2d_bp" : "avgpool2d_bp", 0, 0).addInputs(xp, gIn).addOutputs(gxp).build());
        if (gIn != g) gIn.close();
        if (xp == x) return new INDArray[]{gxp};
        xp.close();
        INDArray gx = Tensors.crop2d(gxp, p, x.shape());
        gxp.close();
        return new INDArray[]{gx};
    }
}
