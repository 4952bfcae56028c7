package dev.robustgate.data;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Dataset's own contract, on hand-made samples: validation, subsets and their hashes and ids, shards,
 * slices, seeded samples, one-hot labels. Sample i's pixels are all {@code i} / 100, so a picked sample
 * is recognisable by its values.
 */
class DatasetTest {
    private static final List<String> CLASSES = List.of("a", "b", "c");

    /** n samples [1, 2, 2]; sample i's pixels all i / 100; label i % 3. */
    private static Dataset data(int n) {
        float[] x = new float[n * 4];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            Arrays.fill(x, i * 4, i * 4 + 4, i / 100f);
            labels[i] = i % 3;
        }
        return new Dataset("toy", Split.TEST, Nd4j.create(x, new long[]{n, 1, 2, 2}, 'c'), labels, CLASSES, "h0", "toy test");
    }

    /** The sample index each row of {@code d} came from (its pixel value x 100). */
    private static int[] origins(Dataset d) {
        int[] o = new int[d.size()];
        for (int i = 0; i < o.length; i++) o[i] = Math.round(d.features().getFloat(i, 0, 1, 1) * 100);
        return o;
    }

    @Test
    void accessorsDescribeTheSamples() {
        Dataset d = data(5);
        assertThat(d.name()).isEqualTo("toy");
        assertThat(d.split()).isEqualTo(Split.TEST);
        assertThat(d.size()).isEqualTo(5);
        assertThat(d.numClasses()).isEqualTo(3);
        assertThat(d.classNames()).containsExactly("a", "b", "c");
        assertThat(d.label(4)).isEqualTo(1);
        assertThat(d.labels()).containsExactly(0, 1, 2, 0, 1);
        assertThat(d.sampleShape()).containsExactly(1, 2, 2);
        assertThat(d.sampleLength()).isEqualTo(4);
        assertThat(d.contentHash()).isEqualTo("h0");
        assertThat(d.provenance()).isEqualTo("toy test");
        assertThat(d.toString()).isEqualTo("toy test [5, 1, 2, 2]");
        assertThat(d.sampleIds()).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void labelsAreCopiesBothWays() {
        int[] labels = {0, 1};
        Dataset d = new Dataset("t", Split.TRAIN, Nd4j.zeros(DataType.FLOAT, 2, 3), labels, CLASSES, "h", "p");
        labels[0] = 2;
        assertThat(d.label(0)).isZero();
        d.labels()[1] = 2;
        assertThat(d.label(1)).isEqualTo(1);
        d.sampleIds()[0] = 7;
        assertThat(d.sampleIds()).containsExactly(0, 1);
    }

    @Test
    void badInputIsRejectedWithTheProblemNamed() {
        INDArray two = Nd4j.zeros(DataType.FLOAT, 2, 3);
        assertThatThrownBy(() -> new Dataset("t", Split.TEST, null, new int[2], CLASSES, "h", "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be null");
        assertThatThrownBy(() -> new Dataset("t", Split.TEST, two, null, CLASSES, "h", "p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must not be null");
        assertThatThrownBy(() -> new Dataset("t", Split.TEST, Nd4j.zeros(DataType.FLOAT, 3), new int[3], CLASSES, "h", "p"))
                .hasMessageContaining("rank >= 2, got shape [3]");
        assertThatThrownBy(() -> new Dataset("t", Split.TEST, two, new int[3], CLASSES, "h", "p"))
                .hasMessageContaining("features hold 2 samples but there are 3 labels");
        assertThatThrownBy(() -> new Dataset("t", Split.TEST, Nd4j.zeros(DataType.DOUBLE, 2, 3), new int[2], CLASSES, "h", "p"))
                .hasMessageContaining("float32, got DOUBLE");
        assertThatThrownBy(() -> new Dataset("t", Split.TEST, two, new int[]{0, 3}, CLASSES, "h", "p"))
                .hasMessageContaining("label 3 at index 1 is outside [0, 2] for t");
        assertThatThrownBy(() -> new Dataset("t", Split.TEST, two, new int[]{-1, 0}, CLASSES, "h", "p"))
                .hasMessageContaining("label -1 at index 0");
        // The edges are inside: labels 0 and K-1.
        assertThat(new Dataset("t", Split.TEST, two, new int[]{0, 2}, CLASSES, "h", "p").labels()).containsExactly(0, 2);
    }

    @Test
    void subsetPicksInOrderAndStartsANewEvaluation() {
        Dataset d = data(6);
        Dataset s = d.subset(new int[]{4, 1, 4}, "picked");
        assertThat(origins(s)).containsExactly(4, 1, 4);
        assertThat(s.labels()).containsExactly(1, 1, 1);
        assertThat(s.sampleShape()).containsExactly(1, 2, 2);
        assertThat(s.provenance()).isEqualTo("picked");
        assertThat(s.name()).isEqualTo("toy");
        assertThat(s.split()).isEqualTo(Split.TEST);
        assertThat(s.sampleIds()).containsExactly(0, 1, 2);
        // The hash names the parent and the indices: same picks, same hash; other picks or order, another.
        assertThat(s.contentHash()).hasSize(64).isEqualTo(d.subset(new int[]{4, 1, 4}, "again").contentHash())
                .isNotEqualTo(d.subset(new int[]{1, 4, 4}, "x").contentHash())
                .isNotEqualTo(data(6).subset(new int[]{4, 1}, "x").contentHash());
        assertThatThrownBy(() -> d.subset(new int[]{6}, "x")).hasMessageContaining("index 6 outside [0, 5] of toy test");
        assertThatThrownBy(() -> d.subset(new int[]{-1}, "x")).hasMessageContaining("index -1 outside");
        assertThat(d.subset(new int[]{0, 5}, "edges").labels()).containsExactly(0, 2);
    }

    @Test
    void subsetsAreCopies() {
        Dataset d = data(3);
        Dataset s = d.subset(new int[]{0, 1}, "p");
        s.features().assign(9f);
        assertThat(d.features().getFloat(0, 0, 0, 0)).isZero();
    }

    @Test
    void sliceIsAContiguousSubset() {
        Dataset d = data(6);
        Dataset s = d.slice(2, 5);
        assertThat(origins(s)).containsExactly(2, 3, 4);
        assertThat(s.provenance()).isEqualTo("toy test [2, 5)");
        assertThat(d.slice(0, 6).size()).isEqualTo(6);
        Dataset none = d.slice(3, 3);
        assertThat(none.size()).isZero();
        assertThat(none.sampleShape()).containsExactly(1, 2, 2);
        assertThatThrownBy(() -> d.slice(-1, 2)).hasMessageContaining("slice [-1, 2) outside [0, 6]");
        assertThatThrownBy(() -> d.slice(0, 7)).hasMessageContaining("slice [0, 7)");
        assertThatThrownBy(() -> d.slice(4, 3)).hasMessageContaining("slice [4, 3)");
    }

    @Test
    void sampleIsSeededDistinctAndInOriginalOrder() {
        Dataset d = data(50);
        Dataset a = d.sample(10, 7);
        int[] o = origins(a);
        assertThat(o).hasSize(10).doesNotHaveDuplicates().isSorted();
        assertThat(origins(d.sample(10, 7))).containsExactly(o);
        assertThat(origins(d.sample(10, 8))).isNotEqualTo(o);
        assertThat(a.provenance()).isEqualTo("toy test, 10 of 50 (seed 7)");
        // Every sample can be drawn: over seeds, the draws cover all 50 (a permutation that never reached the end would not).
        boolean[] seen = new boolean[50];
        for (long seed = 0; seed < 200; seed++) for (int i : origins(d.sample(10, seed))) seen[i] = true;
        for (int i = 0; i < 50; i++) assertThat(seen[i]).as("sample %d drawn", i).isTrue();
        assertThat(d.sample(50, 3)).isSameAs(d);
        assertThat(origins(d.sample(49, 3))).hasSize(49).doesNotHaveDuplicates();
        assertThat(d.sample(1, 3).size()).isEqualTo(1);
        assertThatThrownBy(() -> d.sample(0, 1)).hasMessageContaining("cannot sample 0 of 50").hasMessageContaining("[1, 50]");
        assertThatThrownBy(() -> d.sample(51, 1)).hasMessageContaining("cannot sample 51 of 50");
    }

    @Test
    void shardsAreRoundRobinAndKeepTheirIds() {
        Dataset d = data(7);
        Dataset s0 = d.shard(0, 3), s1 = d.shard(1, 3), s2 = d.shard(2, 3);
        assertThat(origins(s0)).containsExactly(0, 3, 6);
        assertThat(origins(s1)).containsExactly(1, 4);
        assertThat(origins(s2)).containsExactly(2, 5);
        assertThat(s0.sampleIds()).containsExactly(0, 3, 6);
        assertThat(s2.sampleIds()).containsExactly(2, 5);
        assertThat(s1.provenance()).as("named as --shard names it").isEqualTo("toy test, shard 2/3");
        assertThat(d.shard(0, 1)).isSameAs(d);
        assertThat(d.shard(6, 7).sampleIds()).containsExactly(6);
        // A shard of a shard keeps the ids of the first dataset.
        assertThat(s0.shard(1, 2).sampleIds()).containsExactly(3);
        assertThatThrownBy(() -> d.shard(0, 0)).hasMessageContaining("shard count must be >= 1, got 0");
        assertThatThrownBy(() -> d.shard(3, 3)).hasMessageContaining("shard index must be in [0, 2], got 3");
        assertThatThrownBy(() -> d.shard(-1, 3)).hasMessageContaining("got -1");
        assertThatThrownBy(() -> d.shard(0, 8)).hasMessageContaining("cannot cut 7 samples of toy test into 8 shards");
    }

    @Test
    void subsetKeepingIdsKeepsTheParentsIds() {
        Dataset d = data(6).withSampleIds(new int[]{10, 11, 12, 13, 14, 15});
        Dataset part = d.subsetKeepingIds(new int[]{5, 2}, "standing");
        assertThat(part.sampleIds()).containsExactly(15, 12);
        assertThat(origins(part)).containsExactly(5, 2);
        assertThat(part.provenance()).isEqualTo("standing");
        assertThat(part.contentHash()).isEqualTo(d.subset(new int[]{5, 2}, "x").contentHash());
        assertThat(part.labels()).containsExactly(2, 2);
    }

    @Test
    void withSampleIdsChecksThem() {
        Dataset d = data(3);
        Dataset w = d.withSampleIds(new int[]{0, 9, 4});
        assertThat(w.sampleIds()).containsExactly(0, 9, 4);
        assertThat(w.features()).isSameAs(d.features());
        assertThat(w.contentHash()).isEqualTo("h0");
        assertThatThrownBy(() -> d.withSampleIds(new int[]{1, 2})).hasMessageContaining("2 sample ids for 3 samples of toy test");
        assertThatThrownBy(() -> d.withSampleIds(new int[]{1, 1, 2})).hasMessageContaining("distinct and >= 0, got 1");
        assertThatThrownBy(() -> d.withSampleIds(new int[]{1, -1, 2})).hasMessageContaining("got -1");
        int[] ids = {3, 4, 5};
        Dataset copy = d.withSampleIds(ids);
        ids[0] = 99;
        assertThat(copy.sampleIds()).containsExactly(3, 4, 5);
    }

    @Test
    void oneHotLabels() {
        Dataset d = data(4);
        assertThat(d.labelsOneHot().toFloatMatrix()).isEqualTo(new float[][]{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 0}});
        INDArray y = Dataset.oneHot(new int[]{2, 0}, 4);
        assertThat(y.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(y.toFloatMatrix()).isEqualTo(new float[][]{{0, 0, 1, 0}, {1, 0, 0, 0}});
    }

    @Test
    void flatFeaturesWork() {
        Dataset d = new Dataset("flat", Split.TRAIN, Nd4j.createFromArray(new float[][]{{0f, 1f}, {2f, 3f}, {4f, 5f}}),
                new int[]{0, 1, 2}, CLASSES, "h", "flat");
        assertThat(d.sampleShape()).containsExactly(2);
        assertThat(d.sampleLength()).isEqualTo(2);
        assertThat(d.subset(new int[]{2, 0}, "p").features().toFloatMatrix()).isEqualTo(new float[][]{{4f, 5f}, {0f, 1f}});
        Dataset empty = new Dataset("e", Split.TRAIN, Nd4j.zeros(DataType.FLOAT, 0, 2), new int[0], CLASSES, "h", "e");
        assertThat(empty.sampleLength()).isZero();
    }
}
