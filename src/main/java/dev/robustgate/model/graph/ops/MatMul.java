package dev.robustgate.model.graph.ops;

import dev.robustgate.model.graph.Op;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * Numpy matmul of A [..., M, K] and B [..., K, N]: both 2-D, B 2-D under a batched A, or equal
 * batch axes (broadcasting of batch axes beyond that is refused). Gradients flow to both inputs.
 */
public final class MatMul implements Op {
    @Override public String type() { return "MatMul"; }
    @Override public boolean differentiable(int i) { return true; }
    @Override public boolean gradientFree(int i) { return false; }

    @Override
    public INDArray forward(INDArray[] in) {
        INDArray a = in[0], b = in[1];
        if (a.rank() < 2 || b.rank() < 2) {
            throw new IllegalArgumentException("MatMul of 1-D operands is not supported: " + Arrays.toString(a.shape())
                    + " x " + Arrays.toString(b.shape()));
        }
        if (b.rank() == 2) {
            INDArray a2 = a.rank() == 2 ? a : a.reshape('c', a.length() / a.size(-1), a.size(-1));
            INDArray y = c(a2.mmul(b));
            if (a.rank() == 2) return y;
            long[] s = a.shape().clone();
            s[s.length - 1] = b.size(1);
            return Tensors.reshapedOwned(y, s);
        }
        if (a.rank() != b.rank() || !Arrays.equals(Arrays.copyOf(a.shape(), a.rank() - 2), Arrays.copyOf(b.shape(), b.rank() - 2))) {
            throw new IllegalArgumentException("MatMul with broadcast batch axes is not supported: " + Arrays.toString(a.shape())
                    + " x " + Arrays.toString(b.shape()));
        }
        return c(Nd4j.matmul(a, b, null, false, false, false));
    }

    private static INDArray c(INDArray x) {
        return Gemm.cOrder(x);
    }

    @Override
    public INDArray[] backward(INDArray[] in, INDArray out, INDArray g, boolean[] need) {
        INDArray a = in[0], b = in[1];
        INDArray[] gs = new INDArray[2];
        if (b.rank() == 2) {
            long k = a.size(-1);
            INDArray a2 = a.reshape('c', a.length() / k, k);
            INDArray g2 = g.reshape('c', g.length() / b.size(1), b.size(1));
            if (need[0]) gs[0] = Tensors.reshapedOwned(c(Nd4j.gemm(g2, b, false, true)), a.shape());
            if (need[1]) gs[1] = c(Nd4j.gemm(a2, g2, true, false));
            return gs;
        }
        if (need[0]) gs[0] = c(Nd4j.matmul(g, b, null, false, true, false));
        if (need[1]) gs[1] = c(Nd4j.matmul(a, g, null, true, false, false));
        return gs;
    }
}
