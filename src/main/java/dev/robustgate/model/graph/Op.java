package dev.robustgate.model.graph;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One inference-mode operation of a {@link Graph}: a forward pass and the gradient with respect to
 * its inputs (never its parameters' own gradients).
 *
 * <p>Contract, which lets the executor free every intermediate as soon as it is dead: {@link #forward}
 * returns a fresh array that shares no buffer with its inputs (no views); {@link #backward} may
 * return {@code gradOut} itself for at most one input, and fresh arrays otherwise.
 */
public interface Op {
    /** The op's kind as ONNX names it, e.g. "Conv", for error messages and tables. */
    String type();

    INDArray forward(INDArray[] inputs);

    /**
     * The gradients of a scalar loss with respect to the inputs flagged in {@code need}, given the
     * inputs, this op's output and the loss's gradient with respect to that output. Entries not
     * needed are null. Called only for inputs where {@link #differentiable} is true.
     */
    INDArray[] backward(INDArray[] inputs, INDArray output, INDArray gradOut, boolean[] need);

    /** Whether this op can pass a gradient to input {@code i} (weights and shapes usually cannot). */
    default boolean differentiable(int i) {
        return i == 0;
    }

    /**
     * Whether the output is locally constant in input {@code i} (a shape, indices, a comparison), so
     * its gradient is zero by nature rather than missing. An input that is neither differentiable
     * nor gradient-free refuses an input gradient through it.
     */
    default boolean gradientFree(int i) {
        return i != 0;
    }
}
