package dev.robustgate.attack;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The samples of one batch that still need attacking, flattened to [m, D]. {@code targets} is
 * null for untargeted attacks; {@code sampleIds} are positions in the evaluated dataset, the
 * key of every per-sample random draw.
 */
record AttackBatch(INDArray inputs, long[] sampleShape, int[] labels, int[] targets, int[] sampleIds) {
    int size() {
        return labels.length;
    }

    boolean targeted() {
        return targets != null;
    }

    /** The class whose loss the attack ascends (untargeted) or descends (targeted). */
    int[] lossLabels() {
        return targeted() ? targets : labels;
    }

    boolean reached(int row, int prediction) {
        return targeted() ? prediction == targets[row] : prediction != labels[row];
    }

    long[] batchShape(long m) {
        long[] s = new long[sampleShape.length + 1];
        s[0] = m;
        System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
        return s;
    }
}
