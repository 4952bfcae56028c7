package dev.robustgate.model;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts work done by a model in samples, not calls: one forward evaluation = one sample through
 * the network, one gradient evaluation = one sample's input gradient. Costs stay comparable
 * across batch sizes this way, and tests can assert on them instead of on wall time.
 */
public final class EvaluationCounter {
    private final AtomicLong forward = new AtomicLong();
    private final AtomicLong gradient = new AtomicLong();

    public void addForward(long samples) { forward.addAndGet(samples); }
    public void addGradient(long samples) { gradient.addAndGet(samples); }

    public Counts snapshot() {
        return new Counts(forward.get(), gradient.get());
    }

    /** Forward and gradient evaluations, in samples. */
    public record Counts(long forward, long gradient) {
        public Counts minus(Counts earlier) {
            return new Counts(forward - earlier.forward, gradient - earlier.gradient);
        }
    }
}
