package dev.robustgate.bench;

import dev.robustgate.event.AttackStep;
import dev.robustgate.event.BatchDone;
import dev.robustgate.event.EventListener;
import dev.robustgate.event.TrainingBatch;
import dev.robustgate.event.TrainingEpoch;
import dev.robustgate.event.TrainingStarted;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Aggregates the step timings that attacks and training publish on the event bus into latency
 * histograms: one per attack step (one gradient step of an iterative attack on one batch), one
 * per attack batch, and one per training minibatch. Training batches carry no duration, so their
 * latency is the time between consecutive batch events of an epoch.
 */
public final class BenchmarkListener implements EventListener {
    private LatencyHistogram attackSteps = new LatencyHistogram();
    private LatencyHistogram attackBatches = new LatencyHistogram();
    private LatencyHistogram trainingBatches = new LatencyHistogram();
    private long lastTrainingEventNanos = -1;

    @Override public void onAttackStep(AttackStep e) { attackSteps.record(e.seconds()); }
    @Override public void onBatchDone(BatchDone e) { attackBatches.record(e.seconds()); }

    @Override
    public void onTrainingStarted(TrainingStarted e) {
        lastTrainingEventNanos = System.nanoTime();
    }

    @Override
    public synchronized void onTrainingBatch(TrainingBatch e) {
        long now = System.nanoTime();
        if (lastTrainingEventNanos >= 0) {
            trainingBatches.record((now - lastTrainingEventNanos) / 1e9);
        }
        lastTrainingEventNanos = now;
    }

    @Override
    public synchronized void onTrainingEpoch(TrainingEpoch e) {
        lastTrainingEventNanos = -1;   // the epoch's evaluation is not a training batch
    }

    /** Clears every histogram: called between benchmark cases. */
    public synchronized void reset() {
        attackSteps = new LatencyHistogram();
        attackBatches = new LatencyHistogram();
        trainingBatches = new LatencyHistogram();
        lastTrainingEventNanos = -1;
    }

    /** Non-empty histograms by name, in a stable order. */
    public synchronized Map<String, Latency> latencies() {
        Map<String, Latency> out = new LinkedHashMap<>();
        put(out, "attack_step", attackSteps);
        put(out, "attack_batch", attackBatches);
        put(out, "training_batch", trainingBatches);
        return out;
    }

    private static void put(Map<String, Latency> out, String name, LatencyHistogram h) {
        Latency l = h.summary();
        if (l != null) out.put(name, l);
    }
}
