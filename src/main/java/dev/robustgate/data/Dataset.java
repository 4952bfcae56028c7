package dev.robustgate.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Labelled images as one float32 NCHW tensor in [0,1] plus int labels. Immutable by contract:
 * nothing in RobustGate writes into {@link #features()}; derived sets are copies.
 *
 * <p>{@code contentHash} identifies the exact samples (files' payload checksum, plus the chosen
 * indices for subsets), so that fixture caches and reports can say precisely what was used.
 */
public final class Dataset {
    private final String name;
    private final Split split;
    private final INDArray features;
    private final int[] labels;
    private final List<String> classNames;
    private final String contentHash;
    private final String provenance;
    /** Null means identity: sample i has id i. */
    private final int[] sampleIds;

    public Dataset(String name, Split split, INDArray features, int[] labels, List<String> classNames,
                   String contentHash, String provenance) {
        this(name, split, features, labels, classNames, contentHash, provenance, null);
    }

    private Dataset(String name, Split split, INDArray features, int[] labels, List<String> classNames,
                    String contentHash, String provenance, int[] sampleIds) {
        if (features == null || labels == null) {
            throw new IllegalArgumentException("features and labels must not be null");
        }
        if (features.rank() < 2) {
            throw new IllegalArgumentException("features must be [N, ...] with rank >= 2, got shape "
                    + Arrays.toString(features.shape()));
        }
        if (features.size(0) != labels.length) {
            throw new IllegalArgumentException("features hold " + features.size(0) + " samples but there are "
                    + labels.length + " labels");
        }
        if (features.dataType() != DataType.FLOAT) {
            throw new IllegalArgumentException("features must be float32, got " + features.dataType());
        }
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classNames.size()) {
                throw new IllegalArgumentException("label " + labels[i] + " at index " + i + " is outside [0, "
                        + (classNames.size() - 1) + "] for " + name);
            }
        }
        this.name = name;
        this.split = split;
        this.features = features;
        this.labels = labels.clone();
        this.classNames = List.copyOf(classNames);
        this.contentHash = contentHash;
        this.provenance = provenance;
        this.sampleIds = sampleIds;
    }

    public String name() { return name; }
    public Split split() { return split; }
    /** [N, C, H, W] (or [N, D]) float32 in [0,1]. Do not modify. */
    public INDArray features() { return features; }
    public int[] labels() { return labels.clone(); }
    public int label(int i) { return labels[i]; }
    public List<String> classNames() { return classNames; }
    public int numClasses() { return classNames.size(); }
    public int size() { return labels.length; }
    public String contentHash() { return contentHash; }
    /** Human-readable origin: "fashion-mnist test, 1000 of 10000 (seed 7)". */
    public String provenance() { return provenance; }

    /**
     * Each sample's position in the evaluated dataset: the key of every per-sample random draw
     * (random starts, random targets), so that a sample gets the same draws whether it is
     * evaluated in one run or in a shard. Identity (0, 1, ..., N-1) for every dataset except a
     * {@link #shard}, whose ids are the positions of its samples in the dataset it was cut from.
     */
    public int[] sampleIds() {
        if (sampleIds != null) return sampleIds.clone();
        int[] ids = new int[size()];
        for (int i = 0; i < ids.length; i++) ids[i] = i;
        return ids;
    }

    /**
     * Shard {@code index} of {@code count} (0-based): the samples at positions index, index + count,
     * index + 2 count, ... Round-robin rather than contiguous blocks, so that shards of a dataset
     * sorted by anything (class, difficulty) stay alike and take similar time. The shards together
     * hold every sample exactly once, and each keeps its samples' {@link #sampleIds}, so per-sample
     * results of the shards are exactly those of the unsharded run.
     */
    public Dataset shard(int index, int count) {
        if (count < 1) throw new IllegalArgumentException("shard count must be >= 1, got " + count);
        if (index < 0 || index >= count) {
            throw new IllegalArgumentException("shard index must be in [0, " + (count - 1) + "], got " + index);
        }
        if (count > size()) {
            throw new IllegalArgumentException("cannot cut " + size() + " samples of " + provenance + " into " + count
                    + " shards: at most one shard per sample");
        }
        if (count == 1) return this;
        int[] positions = new int[(size() - index + count - 1) / count];
        for (int k = 0; k < positions.length; k++) positions[k] = index + k * count;
        // Named 1-based, as --shard i/n and the merge command name shards: the first is "shard 1/n".
        return subsetKeepingIds(positions, provenance + ", shard " + (index + 1) + "/" + count);
    }

    /**
     * The samples at {@code positions}, in that order, each keeping its {@link #sampleIds}: a part
     * of this evaluation rather than a new one. A shard is one; so are the samples an ensemble's
     * later members attack (those still standing), which must draw what a run on all would.
     * {@link #subset} by contrast starts a new evaluation whose ids are its own positions.
     */
    public Dataset subsetKeepingIds(int[] positions, String provenanceNote) {
        Dataset picked = subset(positions, provenanceNote);
        int[] parentIds = sampleIds();
        int[] ids = new int[positions.length];
        for (int k = 0; k < ids.length; k++) ids[k] = parentIds[positions[k]];
        return new Dataset(name, split, picked.features, picked.labels, classNames, picked.contentHash,
                picked.provenance, ids);
    }

    /**
     * The same samples as a part of a larger evaluation in which they have {@code ids} (distinct,
     * >= 0): how an engine rebuilds a partition on the machine that evaluates it, so that its
     * random draws are those of the whole run (see {@link #sampleIds}).
     */
    public Dataset withSampleIds(int[] ids) {
        if (ids.length != size()) {
            throw new IllegalArgumentException(ids.length + " sample ids for " + size() + " samples of " + provenance);
        }
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int id : ids) {
            if (id < 0 || !seen.add(id)) {
                throw new IllegalArgumentException("sample ids must be distinct and >= 0, got " + id + " in " + provenance);
            }
        }
        return new Dataset(name, split, features, labels, classNames, contentHash, provenance, ids.clone());
    }

    /** Shape of one sample, e.g. [1, 28, 28]. */
    public long[] sampleShape() {
        long[] s = features.shape();
        return Arrays.copyOfRange(s, 1, s.length);
    }

    public long sampleLength() {
        return features.length() / Math.max(1, size());
    }

    /** One-hot labels [N, K] float32. */
    public INDArray labelsOneHot() {
        return oneHot(labels, numClasses());
    }

    public static INDArray oneHot(int[] labels, int numClasses) {
        INDArray y = Nd4j.zeros(DataType.FLOAT, labels.length, numClasses);
        for (int i = 0; i < labels.length; i++) {
            y.putScalar(i, labels[i], 1.0f);
        }
        return y;
    }

    /**
     * The samples at {@code indices}, in that order (copied), as a new evaluation: their ids are
     * their positions in the result (see {@link #subsetKeepingIds} for a part of this one).
     */
    public Dataset subset(int[] indices, String provenanceNote) {
        int n = size();
        for (int idx : indices) {
            if (idx < 0 || idx >= n) {
                throw new IllegalArgumentException("index " + idx + " outside [0, " + (n - 1) + "] of " + provenance);
            }
        }
        long[] shape = features.shape().clone();
        shape[0] = indices.length;
        // pullRows rejects an empty index list: no samples picked is an empty dataset of the same sample shape.
        INDArray picked = indices.length == 0 ? Nd4j.create(DataType.FLOAT, shape)
                : Nd4j.pullRows(features.reshape(n, sampleLength()), 1, indices);
        int[] pickedLabels = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            pickedLabels[i] = labels[indices[i]];
        }
        return new Dataset(name, split, picked.reshape(shape), pickedLabels, classNames,
                hashOf(contentHash, indices), provenanceNote);
    }

    /** Samples {@code [from, to)}, in order. */
    public Dataset slice(int from, int to) {
        if (from < 0 || to > size() || from > to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") outside [0, " + size() + "]");
        }
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) idx[i] = from + i;
        return subset(idx, provenance + " [" + from + ", " + to + ")");
    }

    /**
     * A uniformly random subset of {@code n} distinct samples chosen by {@code seed}, kept in their
     * original order so that the same (n, seed) always names the same images.
     */
    public Dataset sample(int n, long seed) {
        if (n <= 0 || n > size()) {
            throw new IllegalArgumentException("cannot sample " + n + " of " + size() + " samples of " + provenance
                    + ": n must be in [1, " + size() + "]");
        }
        if (n == size()) {
            return this;
        }
        int[] perm = new int[size()];
        for (int i = 0; i < perm.length; i++) perm[i] = i;
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int j = i + rnd.nextInt(perm.length - i);
            int t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        }
        int[] chosen = Arrays.copyOf(perm, n);
        Arrays.sort(chosen);
        return subset(chosen, name + " " + split.name().toLowerCase() + ", " + n + " of " + size() + " (seed " + seed + ")");
    }

    private static String hashOf(String parent, int[] indices) {
        MessageDigest md = Sha256.newDigest();
        md.update(String.valueOf(parent).getBytes(StandardCharsets.UTF_8));
        ByteBuffer buf = ByteBuffer.allocate(4 * indices.length);
        for (int i : indices) buf.putInt(i);
        md.update(buf.array());
        return Sha256.hex(md);
    }

    @Override
    public String toString() {
        return provenance + " " + Arrays.toString(features.shape());
    }
}
