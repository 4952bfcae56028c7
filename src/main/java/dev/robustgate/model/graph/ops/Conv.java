package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.ChannelLinear;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;

/**
 * 2-D convolution (cross-correlation) of NCHW input with OIHW weights [oC, iC / group, kH, kW]
 * and an optional bias [oC]: inputs (x, W[, b]). Strides, dilations, explicit, asymmetric or
 * "same" padding, and groups (depthwise included). Symmetric padding goes straight to libnd4j's
 * conv2d; asymmetric padding pads the input explicitly first.
 *
 * <p>The input gradient is the transposed convolution (libnd4j's deconv2d, whose weight format 1
 * takes OIHW as is) of the output gradient; rows and columns that no window reaches (when the
 * stride does not divide the input) get zero gradient.
 */
public final class Conv implements ChannelLinear {
    private final long[] strides;
    private final long[] dilations;
    private final Padding padding;
    private final int group;

    public Conv(long[] strides, long[] dilations, Padding padding, int group) {
        this.strides = strides.clone();
        this.dilations = dilations.clone();
        this.padding = padding;
        this.group = group;
        if (strides.length != 2 || dilations.length != 2) {
            throw new IllegalArgumentException("Conv here is 2-D: strides and dilations need 2 values, got "
                    + Arrays.toString(strides) + " and " + Arrays.toString(dilations));
        }
        if (group < 1) throw new IllegalArgumentException("group must be >= 1, got " + group);
    }

    /** Stride 1, no dilation, no padding, one group. */
    public static Conv simple() {
        return new Conv(new long[]{1, 1}, new long[]{1, 1}, Padding.none(), 1);
    }

    public Conv withPadding(Padding p) { return new Conv(strides, dilations, p, group); }
    public Conv withStrides(long sh, long sw) { return new Conv(new long[]{sh, sw}, dilations, padding, group); }
    public Conv withDilations(long dh, long dw) { return new Conv(strides, new long[]{dh, dw}, padding, group); }
    public Conv withGroup(int g) { return new Conv(strides, dilations, padding, g); }

    @Override public String type() { return "Conv"; }

    private long[] pads(INDArray x, INDArray w) {
        return padding.resolve(x.size(2), x.size(3), new long[]{w.size(2), w.size(3)}, strides, dilations);
    }

    private static boolean symmetric(long[] p) {
        return p[0] == p[2] && p[1] == p[3];
    }

    @Override
    public INDArray forward(INDArray[] in) {
        INDArray x = in[0], w = in[1], b = in.length > 2 ? in[2] : null;
        requireShapes(x, w);
        long[] p = pads(x, w);
        INDArray xp = symmetric(p) ? x : Tensors.pad2d(x, p, 0);
        long ph = symmetric(p) ? p[0] : 0, pw = symmetric(p) ? p[1] : 0;
        INDArray out;
        if (group == 1) {
            out = conv(xp, w, b, ph, pw);
        } else if (depthwise(x, w)) {
            INDArray wd = depthwiseWeights(w);
            DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("depthwise_conv2d");
            if (b != null) op.addInputs(xp, wd, b.reshape(-1)); else op.addInputs(xp, wd);
            out = Nd4j.exec(op.addIntegerArguments(depthwiseArgs(w, ph, pw)).build())[0];
            wd.close();
        } else {
            INDArray[] parts = new INDArray[group];
            long ic = w.size(1), oc = w.size(0) / group;
            for (int g = 0; g < group; g++) {
                INDArray xg = xp.get(NDArrayIndex.all(), NDArrayIndex.interval(g * ic, (g + 1) * ic)).dup();
                INDArray wg = w.get(NDArrayIndex.interval(g * oc, (g + 1) * oc)).dup();
                INDArray bg = b == null ? null : b.reshape(-1).get(NDArrayIndex.interval(g * oc, (g + 1) * oc)).dup();
                parts[g] = conv(xg, wg, bg, ph, pw);
                xg.close();
                wg.close();
                if (bg != null) bg.close();
            }
            out = Nd4j.concat(1, parts);
            for (INDArray part : parts) part.close();
        }
        if (xp != x) xp.close();
        return out;
    }

    /**
     * One group per input channel, undilated: libnd4j's depthwise_conv2d in one call instead of a loop
     * over channels. (Dilated float convolutions take the double path; see viaDouble.)
     */
    private boolean depthwise(INDArray x, INDArray w) {
        return group == x.size(1) && w.size(1) == 1 && dilations[0] == 1 && dilations[1] == 1;
    }

    /** ONNX [C*m, 1, kH, kW] (output o = c*m + j) as libnd4j's weight format 1, [m, C, kH, kW]. */
    private INDArray depthwiseWeights(INDArray w) {
        long c = group, m = w.size(0) / group;
        return w.reshape('c', c, m, w.size(2), w.size(3)).permute(1, 0, 2, 3).dup('c');
    }

    /**
     * depthwise_conv2d_bp (it computes the small weight gradient as well, discarded). Asymmetric
     * padding: the gradient of the explicitly padded input, cropped, as in the forward pass.
     */
    private INDArray depthwiseInputGradient(INDArray x, INDArray w, INDArray g, long[] p) {
        boolean sym = symmetric(p);
        INDArray xp = sym ? x : Tensors.pad2d(x, p, 0);
        long ph = sym ? p[0] : 0, pw = sym ? p[1] : 0;
        INDArray wd = depthwiseWeights(w);
        INDArray gxp = xp.ulike(), gw = wd.ulike();
        Nd4j.exec(DynamicCustomOp.builder("depthwise_conv2d_bp").addInputs(xp, wd, g).addOutputs(gxp, gw)
                .addIntegerArguments(depthwiseArgs(w, ph, pw)).build());
        wd.close();
        gw.close();
        if (xp != x) xp.close();
        if (!sym) {
            INDArray gx = Tensors.crop2d(gxp, p, x.shape());
            gxp.close();
            return gx;
        }
        return gxp;
    }


    private int[] depthwiseArgs(INDArray w, long ph, long pw) {
        return Tensors.ints(w.size(2), w.size(3), strides[0], strides[1], ph, pw, 1, 1, 0, 0, 1);
    }

    private void requireShapes(INDArray x, INDArray w) {
        if (x.rank() != 4 || w.rank() != 4) {
            throw new IllegalArgumentException("Conv here is 2-D: input " + Arrays.toString(x.shape()) + " and weights "
                    + Arrays.toString(w.shape()) + " must have rank 4");
        }
        if (x.size(1) != w.size(1) * group || w.size(0) % group != 0) {
            throw new IllegalArgumentException("Conv: input channels " + x.size(1) + " do not match weights "
                    + Arrays.toString(w.shape()) + " with group " + group);
        }
    }

    /**
     * libnd4j M2.1's oneDNN conv2d refuses dilated float convolutions ("could not create a descriptor
     * for a dilated convolution forward propagation primitive"); its generic double path computes them
     * right (the torch fixture's dilated conv agrees within 1e-4), so dilated float convolutions run
     * in double.
     */
    private boolean viaDouble(INDArray x) {
        return (dilations[0] != 1 || dilations[1] != 1) && x.dataType() != DataType.DOUBLE;
    }

    private INDArray conv(INDArray x, INDArray w, INDArray b, long ph, long pw) {
        if (viaDouble(x)) {
            INDArray xd = x.castTo(DataType.DOUBLE), wd = w.castTo(DataType.DOUBLE), bd = b == null ? null : b.castTo(DataType.DOUBLE);
            INDArray yd = conv(xd, wd, bd, ph, pw);
            INDArray y = yd.castTo(x.dataType());
            for (INDArray t : new INDArray[]{xd, wd, bd}) if (t != null && t != x && t != w && t != b) t.close();
            yd.close();
            return y;
        }
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv2d");
        if (b != null) op.addInputs(x, w, b.reshape(-1)); else op.addInputs(x, w);
        op.addIntegerArguments(Tensors.ints(w.size(2), w.size(3), strides[0], strides[1], ph, pw, dilations[0], dilations[1], 0, 0, 1));
        return Nd4j.exec(op.build())[0];
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        INDArray x = in[0], w = in[1];
        long[] p = pads(x, w);
        // Fast path: symmetric padding whose windows reach every input row and column is one deconv2d
        // with the same padding; otherwise the gradient of the padded input is cropped.
        boolean direct = symmetric(p) && reach(g.size(2), w.size(2), 0) - 2 * p[0] == x.size(2)
                && reach(g.size(3), w.size(3), 1) - 2 * p[1] == x.size(3);
        long ph = direct ? p[0] : 0, pw = direct ? p[1] : 0;
        long[] target = direct ? x.shape() : new long[]{x.size(0), x.size(1), x.size(2) + p[0] + p[2], x.size(3) + p[1] + p[3]};
        INDArray gxp;
        if (group == 1) {
            gxp = inputGradient(g, w, target, ph, pw);
        } else if (depthwise(x, w)) {
            INDArray[] gs = new INDArray[in.length];
            gs[0] = depthwiseInputGradient(x, w, g, p);
            return gs;
        } else {
            INDArray[] parts = new INDArray[group];
            long ic = w.size(1), oc = w.size(0) / group;
            for (int k = 0; k < group; k++) {
                INDArray gk = g.get(NDArrayIndex.all(), NDArrayIndex.interval(k * oc, (k + 1) * oc)).dup();
                INDArray wk = w.get(NDArrayIndex.interval(k * oc, (k + 1) * oc)).dup();
                parts[k] = inputGradient(gk, wk, new long[]{target[0], ic, target[2], target[3]}, ph, pw);
                gk.close();
                wk.close();
            }
            gxp = Nd4j.concat(1, parts);
            for (INDArray part : parts) part.close();
        }
        INDArray gx = gxp;
        if (!direct && p[0] + p[1] + p[2] + p[3] > 0) {
            gx = Tensors.crop2d(gxp, p, x.shape());
            gxp.close();
        }
        INDArray[] gs = new INDArray[in.length];
        gs[0] = gx;
        return gs;
    }

    /** The input extent the windows of {@code outSize} outputs span on axis {@code a}, padding included. */
    private long reach(long outSize, long k, int a) {
        return (outSize - 1) * strides[a] + (k - 1) * dilations[a] + 1;
    }

    /**
     * The gradient with respect to an input of shape {@code target} convolved with padding (ph, pw):
     * the transposed convolution, zero-extended at the end where no window reached.
     */
    private INDArray inputGradient(INDArray g, INDArray w, long[] target, long ph, long pw) {
        if (viaDouble(g)) {
            INDArray gd = g.castTo(DataType.DOUBLE);
            INDArray wd = w.castTo(DataType.DOUBLE);
            INDArray rd = inputGradient(gd, wd, target, ph, pw);
            INDArray r = rd.castTo(g.dataType());
            if (gd != g) gd.close();
            if (wd != w) wd.close();
            rd.close();
            return r;
        }
        long kh = w.size(2), kw = w.size(3);
        long reachH = reach(g.size(2), kh, 0) - 2 * ph;
        long reachW = reach(g.size(3), kw, 1) - 2 * pw;
        INDArray reached = Nd4j.create(g.dataType(), g.size(0), w.size(1), reachH, reachW);
        Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(g, w).addOutputs(reached)
                .addIntegerArguments(Tensors.ints(kh, kw, strides[0], strides[1], ph, pw, dilations[0], dilations[1], 0, 0, 1)).build());
        long[] padded = target;
        if (reachH == padded[2] && reachW == padded[3]) return reached;
        // Trailing rows/columns no window read: zero gradient.
        INDArray full = Tensors.pad(reached, new long[4], new long[]{0, 0, padded[2] - reachH, padded[3] - reachW}, 0);
        reached.close();
        return full;
    }
}
