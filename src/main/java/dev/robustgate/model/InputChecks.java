package dev.robustgate.model;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;

/** Shape and label checks shared by every adapter, so each error reads the same everywhere. */
public final class InputChecks {
    private InputChecks() {}

    public static void requireBatchOf(Classifier model, INDArray inputs) {
        if (inputs == null) {
            throw new IllegalArgumentException("inputs must not be null");
        }
        long[] expected = model.sampleShape();
        long[] shape = inputs.shape();
        boolean ok = shape.length == expected.length + 1
                && Arrays.equals(Arrays.copyOfRange(shape, 1, shape.length), expected);
        if (!ok) {
            throw new IllegalArgumentException("input shape " + Arrays.toString(shape) + " does not fit "
                    + model.name() + ", which takes [N, " + Arrays.toString(expected).replaceAll("[\\[\\]]", "") + "]");
        }
    }

    /** Logit weights of {@link DifferentiableClassifier#logitGradient}: [N, K], finite, each row summing to 0. */
    public static void requireLogitWeights(Classifier model, INDArray inputs, INDArray weights) {
        LogitWeights.checked(model, inputs, weights);
    }

    public static void requireLabels(Classifier model, int[] labels, long n) {
        if (labels == null || labels.length != n) {
            throw new IllegalArgumentException("expected " + n + " labels, got "
                    + (labels == null ? "null" : labels.length));
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= model.numClasses()) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is outside [0, "
                        + (model.numClasses() - 1) + "] for " + model.name());
            }
        }
    }
}
