package dev.robustgate.defense;

import org.nd4j.linalg.factory.Nd4j;

/**
 * Limits ND4J's native threads (OpenMP and BLAS) for a stretch of work and restores them after.
 * Small dense networks train faster on one thread: their matrices are too small to amortise
 * thread hand-offs, and on a shared CI machine spinning workers only steal time (measured: an
 * MLP 784-256-10 epoch takes 5.5 s on 1 thread, 12 s on 2). The setting is process-wide, so use
 * it only around work that runs alone, as training a fixture does.
 */
final class NativeThreads implements AutoCloseable {
    private final int ompBefore;
    private final int blasBefore;

    private NativeThreads(int threads) {
        this.ompBefore = Nd4j.getEnvironment().maxThreads();
        this.blasBefore = Nd4j.factory().blas().getMaxThreads();
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }

    /** {@code threads} = 0 leaves the library's setting alone. */
    static NativeThreads limit(int threads) {
        if (threads < 0) throw new IllegalArgumentException("threads must be >= 0 (0 = library default), got " + threads);
        return threads == 0 ? new NativeThreads(Nd4j.getEnvironment().maxThreads()) : new NativeThreads(threads);
    }

    @Override
    public void close() {
        Nd4j.getEnvironment().setMaxThreads(ompBefore);
        Nd4j.factory().blas().setMaxThreads(blasBefore);
    }
}
