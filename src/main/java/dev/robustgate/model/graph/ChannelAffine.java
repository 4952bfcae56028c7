package dev.robustgate.model.graph;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An op that is, at inference, a per-channel affine map on axis 1, y = x * s[c] + t[c], with s and t
 * computed from its parameter inputs (inputs 1..{@link #parameterCount()}). When they are constants
 * and the op follows a {@link ChannelLinear} op, the builder folds it into that op's weights. An
 * interface here (not a check for a concrete op class) keeps this package free of its ops package.
 */
public interface ChannelAffine extends Op {
    /** How many parameter inputs follow the data input. */
    int parameterCount();

    /** {s, t}, each of one value per channel, from the parameter inputs (in input order, data input excluded). */
    INDArray[] scaleAndShift(INDArray[] parameters);
}
