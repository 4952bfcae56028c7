package dev.robustgate.model;

/** How a wrapped network wants its input; RobustGate always speaks NCHW and adapts at the edge. */
public enum InputLayout {
    /** [N, C, H, W], DL4J's convolutional default. */
    NCHW,
    /** [N, C*H*W], for dense-first networks. */
    FLAT,
    /** [N, H, W, C], as Keras channels_last imports expect. */
    NHWC
}
