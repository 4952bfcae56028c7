package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Y = alpha * op(A) op(B) + beta * C for 2-D A and B (op: optional transpose), C broadcast;
 * inputs (A, B[, C]). A dense layer is Gemm(x, W, b) with W [in, out], or with transB and W
 * [out, in] as torch exports it. Gradients flow to every input.
 */
public final class Gemm implements Op {
    private final double alpha;
    private final double beta;
    private final boolean transA;
    private final boolean transB;

    public Gemm(double alpha, double beta, boolean transA, boolean transB) {
        this.alpha = alpha;
        this.beta = beta;
        this.transA = transA;
        this.transB = transB;
    }

    /** x W + b with W [in, out]. */
    public static Gemm dense() {
        return new Gemm(1, 1, false, false);
    }

    @Override public String type() { return "Gemm"; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean gradientFree(int i) { return false; }

    @Override
    public INDArray forward(INDArray[] in) {
        INDArray a = in[0], b = in[1], c = in.length > 2 ? in[2] : null;
        if (a.rank() != 2 || b.rank() != 2) {
            throw new IllegalArgumentException("Gemm takes 2-D A and B, got " + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
        }
        INDArray y = Nd4j.gemm(a, b, transA, transB);
        y = cOrder(y);
        if (alpha != 1) y.muli(alpha);
        if (c != null && beta != 0) {
            INDArray bc = beta == 1 ? c : c.mul(beta);
            Nd4j.exec(DynamicCustomOp.builder("add").addInputs(y, Tensors.toRank(bc, 2)).addOutputs(y).build());
            if (bc != c) bc.close();
        }
        return y;
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        INDArray a = in[0], b = in[1];
        INDArray[] gs = new INDArray[in.length];
        if (need[0]) gs[0] = scaled(transA ? Nd4j.gemm(b, g, transB, true) : Nd4j.gemm(g, b, false, !transB), alpha);
        if (need[1]) gs[1] = scaled(transB ? Nd4j.gemm(g, a, true, transA) : Nd4j.gemm(a, g, !transA, false), alpha);
        if (in.length > 2 && need[2]) {
            INDArray r = Tensors.sumToShape(g, in[2].shape());
            gs[2] = scaled(r == g ? g.dup() : r, beta);
        }
        return gs;
    }

    private static INDArray scaled(INDArray x, double f) {
        INDArray c = cOrder(x);
        return f == 1 ? c : c.muli(f);
    }

    /** {@code x} in c order, freeing x when a copy was needed. */
    static INDArray cOrder(INDArray x) {
        if (x.ordering() == 'c') return x;
        INDArray c = x.dup('c');
        x.close();
        return c;
    }
}
