package dev.robustgate.attack;

import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * The samples of one batch that still need attacking, flattened to [m, D]. {@code targets} is
 * null for untargeted attacks; {@code sampleIds} are the samples' ids in the evaluated dataset,
 * the key of every per-sample random draw. Kernels must not write into {@code inputs}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
public record AttackBatch(INDArray inputs, long[] sampleShape, int[] labels, int[] targets, int[] sampleIds) {
    public int size() {
        return labels.length;
    }

    public boolean targeted() {
        return targets != null;
    }

    /** The class whose loss the attack ascends (untargeted) or descends (targeted). */
    public int[] lossLabels() {
        return targeted() ? targets : labels;
    }

    public boolean reached(int row, int prediction) {
        return targeted() ? prediction == targets[row] : prediction != labels[row];
    }

    public long[] batchShape(long m) {
        long[] s = new long[sampleShape.length + 1];
        s[0] = m;
        System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
        return s;
    }

    /**
     * The random stream of one row: keyed by (seed, the row's sample id, stream), never by the row's
     * position, so batching and sharding draw the same numbers. Use a distinct {@code stream} per
     * purpose (eps, restart, ...).
     */
    public SplittableRandom random(long seed, int row, long stream) {
        return new SplittableRandom(Seeds.mix(seed, sampleIds[row], stream));
    }
}
