package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.ChannelAffine;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastAddOp;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Inference-mode batch normalisation on axis 1, inputs (x, scale, bias, mean, var): the per-channel
 * affine map y = x * s + t with s = scale / sqrt(var + epsilon), t = bias - mean * s. Its input
 * gradient is g * s: running statistics are constants here, unlike DL4J M2.1's BN backprop, which
 * adds batch-statistic terms even after a test-mode forward.
 */
public final class BatchNormalization implements ChannelAffine {
    private final double epsilon;
    /** s and t for the last parameters seen (they are constants: computed once per graph, not per batch). */
    private volatile Folded folded;

    private record Folded(INDArray gamma, INDArray beta, INDArray mean, INDArray var, INDArray s, INDArray t) {}

    public BatchNormalization(double epsilon) {
        this.epsilon = epsilon;
    }

    public double epsilon() { return epsilon; }

    @Override public String type() { return "BatchNormalization"; }

    @Override public int parameterCount() { return 4; }

    /** Parameters (scale, bias, mean, var): {s, t}. */
    @Override
    public INDArray[] scaleAndShift(INDArray[] p) {
        INDArray s = scale(p[0], p[3]);
        return new INDArray[]{s, shift(p[1], p[2], s)};
    }

    /** s = scale / sqrt(var + epsilon). */
    public INDArray scale(INDArray gamma, INDArray var) {
        return Transforms.sqrt(var.add(epsilon), false).rdivi(gamma).reshape(-1);
    }

    /** t = bias - mean * s. */
    public static INDArray shift(INDArray beta, INDArray mean, INDArray s) {
        return mean.reshape(-1).mul(s).rsubi(beta.reshape(-1));
    }

    private Folded fold(INDArray[] in) {
        Folded f = folded;
        if (f == null || f.gamma != in[1] || f.beta != in[2] || f.mean != in[3] || f.var != in[4]) {
            INDArray s = scale(in[1], in[4]).dup();
            f = new Folded(in[1], in[2], in[3], in[4], s, shift(in[2], in[3], s));
            folded = f;
        }
        return f;
    }

    @Override
    public INDArray forward(INDArray[] in) {
        INDArray x = in[0];
        Folded f = fold(in);
        INDArray s = f.s(), t = f.t();
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.shape());
        Nd4j.exec(new BroadcastMulOp(x, s, out, 1));
        Nd4j.exec(new BroadcastAddOp(out, t, out, 1));
        return out;
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        INDArray s = fold(in).s();
        INDArray gx = Nd4j.createUninitialized(g.dataType(), g.shape());
        Nd4j.exec(new BroadcastMulOp(g, s, gx, 1));
        return new INDArray[]{gx, null, null, null, null};
    }
}
