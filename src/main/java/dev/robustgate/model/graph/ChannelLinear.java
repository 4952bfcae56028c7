package dev.robustgate.model.graph;

/**
 * An op with inputs (x, W[, b]) whose output channel o (axis 1) is linear in the weight slice W[o]
 * (axis 0) plus the bias b[o]: multiplying W[o] and b[o] by s[o] multiplies that channel by s[o].
 * Convolutions are; a following {@link ChannelAffine} op folds into them.
 */
public interface ChannelLinear extends Op {}
