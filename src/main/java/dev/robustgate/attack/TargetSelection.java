package dev.robustgate.attack;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.SplittableRandom;

/**
 * Which class a targeted attack aims for. Untargeted attacks use {@link #untargeted()}, which
 * yields no targets at all rather than a sentinel class.
 */
public abstract class TargetSelection implements java.io.Serializable {
    private TargetSelection() {}

    /** Targets for the given samples, or null for untargeted attacks. */
    abstract int[] choose(int[] labels, int[] sampleIndices, INDArray cleanProbabilities, int numClasses);

    public abstract String describe();

    public boolean isTargeted() {
        return true;
    }

    /** A selection that picks each sample's target on its own, from another class than the label. */
    private abstract static class PerSample extends TargetSelection {
        /** The target of the sample at {@code row} (its id in the evaluated dataset: {@code sampleId}). */
        abstract int target(int label, int sampleId, INDArray cleanProbabilities, int row, int numClasses);

        @Override
        final int[] choose(int[] labels, int[] sampleIndices, INDArray cleanProbabilities, int numClasses) {
            if (numClasses < 2) {
                throw new IllegalArgumentException("a targeted attack needs at least 2 classes, the model has " + numClasses);
            }
            int[] t = new int[labels.length];
            for (int i = 0; i < labels.length; i++) t[i] = target(labels[i], sampleIndices[i], cleanProbabilities, i, numClasses);
            return t;
        }
    }

    public static TargetSelection untargeted() {
        return new TargetSelection() {
            @Override int[] choose(int[] l, int[] idx, INDArray p, int k) { return null; }
            @Override public String describe() { return "untargeted"; }
            @Override public boolean isTargeted() { return false; }
        };
    }

    /**
     * Fixed targets, one per sample of the evaluated dataset, in order. A shard of that dataset
     * takes the targets of its samples' ids (see {@code Dataset#sampleIds}).
     */
    public static TargetSelection given(int... targets) {
        int[] copy = targets.clone();
        return new TargetSelection() {
            @Override
            int[] choose(int[] labels, int[] idx, INDArray p, int k) {
                boolean identity = true;
                for (int i = 0; i < idx.length; i++) identity &= idx[i] == i;
                if (identity ? copy.length != labels.length : java.util.Arrays.stream(idx).anyMatch(i -> i >= copy.length)) {
                    throw new IllegalArgumentException("given " + copy.length + " targets for " + labels.length + " samples");
                }
                for (int i = 0; i < copy.length; i++) {
                    if (copy[i] < 0 || copy[i] >= k) {
                        throw new IllegalArgumentException("target " + copy[i] + " at index " + i + " is outside [0, " + (k - 1) + "]");
                    }
                }
                int[] t = new int[labels.length];
                for (int i = 0; i < t.length; i++) {
                    t[i] = copy[idx[i]];
                    if (t[i] == labels[i]) {
                        throw new IllegalArgumentException("target " + t[i] + " at index " + idx[i]
                                + " is the sample's own label: a targeted attack needs another class");
                    }
                }
                return t;
            }
            @Override public String describe() { return "targets given"; }
        };
    }

    /**
     * A uniformly random class other than the true label. The draw for a sample depends only on
     * the seed and the sample's position in the evaluated dataset, so batch size does not change it.
     */
    public static TargetSelection random(long seed) {
        return new PerSample() {
            @Override
            int target(int label, int sampleId, INDArray p, int row, int k) {
                int c = new SplittableRandom(Seeds.mix(seed, sampleId, 0x7A26E7L)).nextInt(k - 1);
                return c >= label ? c + 1 : c;
            }
            @Override public String describe() { return "random target (seed " + seed + ")"; }
        };
    }

    /** The class other than the label that the model finds least likely on the clean input (the hardest target). */
    public static TargetSelection leastLikely() {
        return new PerSample() {
            @Override
            int target(int label, int sampleId, INDArray p, int row, int k) {
                int least = -1;
                for (int c = 0; c < k; c++) {
                    if (c != label && (least < 0 || p.getDouble(row, c) < p.getDouble(row, least))) least = c;
                }
                return least;
            }
            @Override public String describe() { return "least-likely target"; }
        };
    }
}
