package dev.robustgate.bench;

import org.HdrHistogram.Histogram;

/** Latencies of one kind of step (attack step, attack batch, training batch), in microseconds. */
final class LatencyHistogram {
    /** Up to one hour per step at 3 significant digits. */
    private final Histogram histogram = new Histogram(3_600_000_000L, 3);

    synchronized void record(double seconds) {
        long micros = Math.max(1, Math.round(seconds * 1e6));
        histogram.recordValue(Math.min(micros, histogram.getHighestTrackableValue()));
    }

    synchronized Latency summary() {
        if (histogram.getTotalCount() == 0) return null;
        return new Latency(histogram.getTotalCount(), histogram.getMinValue() / 1e3,
                histogram.getValueAtPercentile(50) / 1e3, histogram.getValueAtPercentile(99) / 1e3,
                histogram.getMaxValue() / 1e3);
    }
}
