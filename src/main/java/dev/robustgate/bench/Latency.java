package dev.robustgate.bench;

/** A latency distribution: how many steps, and milliseconds at min, median, 99th percentile and max. */
public record Latency(long count, double minMs, double p50Ms, double p99Ms, double maxMs) {}
