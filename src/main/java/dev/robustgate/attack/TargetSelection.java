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
        return new TargetSelection() {
            @Override
            int[] choose(int[] labels, int[] idx, INDArray p, int k) {
                if (k < 2) throw new IllegalArgumentException("a targeted attack needs at least 2 classes, the model has " + k);
                int[] t = new int[labels.length];
                for (int i = 0; i < labels.length; i++) {
                    SplittableRandom r = new SplittableRandom(Seeds.mix(seed, idx[i], 0x7A26E7L));
                    int c = r.nextInt(k - 1);
                    t[i] = c >= labels[i] ? c + 1 : c;
                }
                return t;
            }
            @Override public String describe() { return "random target (seed " + seed + ")"; }
        };
    }

    /** The class other than the label that the model finds least likely on the clean input (the hardest target). */
    public static TargetSelection leastLikely() {
        return new TargetSelection() {
            @Override
            int[] choose(int[] labels, int[] idx, INDArray p, int k) {
                if (k < 2) throw new IllegalArgumentException("a targeted attack needs at least 2 classes, the model has " + k);
                int[] t = new int[labels.length];
                for (int i = 0; i < labels.length; i++) {
                    int best = -1;
                    for (int c = 0; c < k; c++) {
                        if (c != labels[i] && (best < 0 || p.getDouble(i, c) < p.getDouble(i, best))) best = c;
                    }
                    t[i] = best;
                }
                return t;
            }
            @Override public String describe() { return "least-likely target"; }
        };
    }
}
