package dev.robustgate.defense;

import dev.robustgate.event.EventBus;
import dev.robustgate.event.TrainingBatch;
import dev.robustgate.event.TrainingStarted;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The one minibatch loop every training procedure runs, rather than DL4J's iterators: the shuffle
 * is seeded from the setup, a {@link BatchStep} may rewrite each batch, every batch and epoch is
 * published.
 */
final class TrainingLoop {
    private TrainingLoop() {}

    /**
     * Fits {@code net} on the setup's training inputs against {@code targets} ([n, K], one-hot or
     * soft labels) for the setup's epochs; {@code phase} names the run in events.
     */
    static MultiLayerNetwork fit(TrainingSetup s, String phase, MultiLayerNetwork net, INDArray targets, BatchStep step,
                                 EpochMonitor monitor) {
        try (NativeThreads ignored = NativeThreads.limit(s.threads())) {
            return fitUnlimited(s, phase, net, targets, step, monitor);
        }
    }

    private static MultiLayerNetwork fitUnlimited(TrainingSetup s, String phase, MultiLayerNetwork net, INDArray targets,
                                                  BatchStep step, EpochMonitor monitor) {
        int n = s.train().size();
        INDArray flat = s.train().features().reshape(n, s.train().sampleLength());
        int batches = (n + s.batchSize() - 1) / s.batchSize();
        EventBus.emit(new TrainingStarted(phase, s.epochs(), batches, n));
        for (int epoch = 1; epoch <= s.epochs(); epoch++) {
            long t0 = System.nanoTime();
            int[] order = permutation(n, new SplittableRandom(s.seed() * 1_000_003L + epoch));
            double lossSum = 0;
            for (int b = 0; b < batches; b++) {
                int from = b * s.batchSize();
                int to = Math.min(n, from + s.batchSize());
                int[] rows = Arrays.copyOfRange(order, from, to);
                INDArray x = Nd4j.pullRows(flat, 1, rows).reshape(s.batchShape(to - from));
                INDArray y = Nd4j.pullRows(targets, 1, rows);
                net.fit(step.inputsFor(net, x, y, mix(s.seed(), epoch, b)), y);
                double loss = net.score();
                lossSum += loss;
                EventBus.emit(new TrainingBatch(phase, epoch, b + 1, batches, loss));
            }
            monitor.afterEpoch(phase, net, epoch, lossSum / batches, (System.nanoTime() - t0) / 1e9);
        }
        return net;
    }

    /** A well-spread 64-bit seed from several parts (SplitMix64's finaliser over a running hash). */
    static long mix(long... parts) {
        long h = 0x9E3779B97F4A7C15L;
        for (long p : parts) {
            h = (h ^ p) * 0xBF58476D1CE4E5B9L;
            h ^= h >>> 31;
            h *= 0x94D049BB133111EBL;
            h ^= h >>> 29;
        }
        return h;
    }

    private static int[] permutation(int n, SplittableRandom rnd) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i]; p[i] = p[j]; p[j] = t;
        }
        return p;
    }
}
