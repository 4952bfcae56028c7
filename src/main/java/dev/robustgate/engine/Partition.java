package dev.robustgate.engine;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The samples of one partition as plain arrays, to travel to the machine that evaluates them:
 * pixels, labels and each sample's id in the whole evaluation, from which every random draw is
 * keyed. {@link #dataset()} rebuilds them there with those ids.
 */
public record Partition(int index, String name, Split split, List<String> classNames, String contentHash,
                        String provenance, long[] shape, float[] pixels, int[] labels, int[] ids) implements Serializable {

    /**
     * Cuts {@code data} into at most {@code count} partitions of consecutive samples (in id order
     * for every dataset RobustGate makes), each a whole number of {@code batch}-sample batches but
     * the last. An attack batches a partition as it batches the whole dataset, so every batch holds
     * the same samples as in a one-JVM run: that matters beyond the random draws (keyed by id),
     * because a batched matrix product may round a row differently in a batch of another size
     * (measured: input-gradient L1 norms differed in the 7th digit between batches of 8 and 23).
     * Use the attack's batch size, or a multiple of it.
     */
    public static List<Partition> of(Dataset data, int count, int batch) {
        if (count < 1) throw new IllegalArgumentException("partitions must be >= 1, got " + count);
        if (batch < 1) throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        int n = data.size();
        int batches = (n + batch - 1) / batch;
        int parts = Math.min(count, batches);
        List<Partition> out = new ArrayList<>();
        int firstBatch = 0;
        for (int p = 0; p < parts; p++) {
            int take = batches / parts + (p < batches % parts ? 1 : 0);
            int from = firstBatch * batch;
            int to = Math.min(n, (firstBatch + take) * batch);
            firstBatch += take;
            int[] positions = java.util.stream.IntStream.range(from, to).toArray();
            boolean whole = parts == 1;
            Dataset part = whole ? data : data.subsetKeepingIds(positions, data.provenance() + ", partition " + (p + 1) + "/" + parts);
            out.add(of(p, part));
        }
        return out;
    }

    static Partition of(int index, Dataset part) {
        float[] px = part.features().dup('c').data().asFloat();
        return new Partition(index, part.name(), part.split(), List.copyOf(part.classNames()), part.contentHash(),
                part.provenance(), part.features().shape(), px, part.labels(), part.sampleIds());
    }

    public int size() {
        return labels.length;
    }

    /** The partition as a dataset whose samples keep their ids in the whole evaluation. */
    public Dataset dataset() {
        var x = Nd4j.create(pixels, shape, 'c').castTo(DataType.FLOAT);
        return new Dataset(name, split, x, labels, classNames, contentHash, provenance).withSampleIds(ids);
    }

    @Override
    public String toString() {
        return "partition " + index + " (" + labels.length + " samples, shape " + Arrays.toString(shape) + ")";
    }
}
