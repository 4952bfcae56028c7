package dev.robustgate.defense;

import dev.robustgate.data.Dataset;

import java.util.Arrays;

/**
 * What every training procedure shares: the networks to start from, the data, and the minibatch
 * schedule. {@code networkSampleShape} is one sample as the network takes it ([784] for a dense
 * network, [1, 28, 28] for a CNN); {@code check} is the held-out split scored after every epoch;
 * {@code threads} caps ND4J's native threads while training (0 = the library's default).
 */
public record TrainingSetup(String victim, NetworkFactory networks, long[] networkSampleShape, Dataset train,
                            Dataset check, int epochs, int batchSize, long seed, int threads) {
    public TrainingSetup {
        if (networks == null) throw new IllegalArgumentException(victim + ": no network factory");
        if (train == null || check == null) throw new IllegalArgumentException(victim + ": training and check data are required");
        if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = library default), got " + threads);
        if (batchSize < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        long perSample = Arrays.stream(networkSampleShape).reduce(1, (a, b) -> a * b);
        if (perSample != train.sampleLength()) {
            throw new IllegalArgumentException(victim + ": network sample shape " + Arrays.toString(networkSampleShape)
                    + " holds " + perSample + " values but a training sample has " + train.sampleLength());
        }
        networkSampleShape = networkSampleShape.clone();
    }

    /** [n, ...networkSampleShape]. */
    long[] batchShape(long n) {
        long[] s = new long[networkSampleShape.length + 1];
        s[0] = n;
        System.arraycopy(networkSampleShape, 0, s, 1, networkSampleShape.length);
        return s;
    }
}
