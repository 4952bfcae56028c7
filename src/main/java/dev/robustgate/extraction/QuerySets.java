package dev.robustgate.extraction;

import dev.robustgate.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;

/** The non-adaptive query sets of Knockoff Nets: noise, another dataset, the victim's own data. */
public final class QuerySets {
    private QuerySets() {}

    /** Each pixel N(mean, std) clipped to [0,1], independently. */
    public static QueryStrategy gaussian(long[] sampleShape, double mean, double std, long seed) {
        if (!(std >= 0) || !Double.isFinite(mean) || !Double.isFinite(std)) {
            throw new IllegalArgumentException("gaussian queries need a finite mean and std >= 0, got " + mean + ", " + std);
        }
        return new Noise(sampleShape, seed, String.format(Locale.ROOT, "gaussian(mean %s, std %s, seed %d)", mean, std, seed)) {
            @Override double draw(SplittableRandom r) {
                double u1 = 1.0 - r.nextDouble();
                double u2 = r.nextDouble();
                return mean + std * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
            }
        };
    }

    /** Each pixel uniform in [0,1], independently. */
    public static QueryStrategy uniform(long[] sampleShape, long seed) {
        return new Noise(sampleShape, seed, "uniform(seed " + seed + ")") {
            @Override double draw(SplittableRandom r) { return r.nextDouble(); }
        };
    }

    /**
     * Images of {@code pool} (another dataset, or the victim's own training data as the upper bound)
     * in a seeded random order, reshuffled whenever the pool is used up. Labels are never looked at.
     */
    public static QueryStrategy fromDataset(Dataset pool, long seed) {
        return new Pool(pool, seed);
    }

    private abstract static class Noise implements QueryStrategy {
        private final long[] shape;
        private final SplittableRandom random;
        private final String description;

        Noise(long[] shape, long seed, String description) {
            if (shape == null || shape.length == 0) throw new IllegalArgumentException("sample shape must not be empty");
            this.shape = shape.clone();
            this.random = new SplittableRandom(seed);
            this.description = description;
        }

        abstract double draw(SplittableRandom r);

        @Override public String describe() { return description; }

        @Override
        public INDArray next(int n) {
            if (n < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + n);
            long d = Arrays.stream(shape).reduce(1, (a, b) -> a * b);
            float[] v = new float[(int) (n * d)];
            for (int i = 0; i < v.length; i++) v[i] = (float) Math.min(1.0, Math.max(0.0, draw(random)));
            long[] full = new long[shape.length + 1];
            full[0] = n;
            System.arraycopy(shape, 0, full, 1, shape.length);
            return Nd4j.create(v, full, 'c');
        }
    }

    private static final class Pool implements QueryStrategy {
        private final Dataset pool;
        private final SplittableRandom random;
        private final long seed;
        private int[] order;
        private int cursor;

        Pool(Dataset pool, long seed) {
            if (pool == null || pool.size() == 0) throw new IllegalArgumentException("query pool must not be empty");
            this.pool = pool;
            this.seed = seed;
            this.random = new SplittableRandom(seed);
            reshuffle();
        }

        private void reshuffle() {
            order = new int[pool.size()];
            for (int i = 0; i < order.length; i++) order[i] = i;
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i]; order[i] = order[j]; order[j] = t;
            }
            cursor = 0;
        }

        @Override public String describe() { return pool.name() + " images (" + pool.provenance() + ", seed " + seed + ")"; }

        @Override
        public INDArray next(int n) {
            if (n < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + n);
            int[] idx = new int[n];
            for (int i = 0; i < n; i++) {
                if (cursor == order.length) reshuffle();
                idx[i] = order[cursor++];
            }
            INDArray flat = pool.features().reshape(pool.size(), pool.sampleLength());
            long[] shape = pool.features().shape().clone();
            shape[0] = n;
            return Nd4j.pullRows(flat, 1, idx).reshape(shape).castTo(DataType.FLOAT);
        }
    }
}
