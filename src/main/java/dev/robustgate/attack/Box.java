package dev.robustgate.attack;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** The valid input range. RobustGate's inputs are pixels in [0, 1]. */
public final class Box {
    public static final double MIN = 0.0;
    public static final double MAX = 1.0;

    private Box() {}

    /** Clips {@code x} into [MIN, MAX] in place and returns it. */
    public static INDArray clipInPlace(INDArray x) {
        Transforms.min(x, MAX, false);
        Transforms.max(x, MIN, false);
        return x;
    }
}
