package dev.robustgate.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/** Small helpers over [N, K] score matrices. */
public final class Predictions {
    private Predictions() {}

    public static int[] argMax(INDArray scores) {
        INDArray idx = scores.argMax(1);
        int n = (int) scores.size(0);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            out[i] = idx.getInt(i);
        }
        return out;
    }
}
