package dev.robustgate.bench;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One benchmark case: wall seconds of each measured repetition (after warm-up) over
 * {@code samples} samples, the work done per repetition in model evaluations, and the step
 * latencies the event stream reported during the measured repetitions, and the peak resident set
 * size while the case ran ({@link PeakRss}; null where it cannot be read, e.g. off Linux).
 */
public record Measurement(String name, String description, long samples, List<Double> seconds,
                          long gradientEvaluations, long forwardEvaluations, Map<String, Latency> latencies,
                          Long maxRssBytes) {
    public Measurement {
        if (seconds.isEmpty()) throw new IllegalArgumentException(name + ": no measured repetition");
        seconds = List.copyOf(seconds);
        latencies = Map.copyOf(latencies);
    }

    /** Without a memory reading. */
    public Measurement(String name, String description, long samples, List<Double> seconds,
                       long gradientEvaluations, long forwardEvaluations, Map<String, Latency> latencies) {
        this(name, description, samples, seconds, gradientEvaluations, forwardEvaluations, latencies, null);
    }

    /** This measurement with the peak RSS read after it ran (null: not available). */
    public Measurement withMaxRss(Long bytes) {
        return new Measurement(name, description, samples, seconds, gradientEvaluations, forwardEvaluations, latencies, bytes);
    }

    @JsonProperty
    public double min() { return sorted()[0]; }
    @JsonProperty
    public double max() { double[] s = sorted(); return s[s.length - 1]; }

    @JsonProperty
    public double median() {
        double[] s = sorted();
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** Samples per second at the median repetition. */
    @JsonProperty
    public double samplesPerSecond() { return samples / median(); }

    /** Input-gradient evaluations per second at the median repetition (0 for cases without gradients). */
    @JsonProperty
    public double gradientsPerSecond() { return gradientEvaluations / median(); }

    /** (max - min) / median: the spread of this machine's repetitions, the noise a comparison must exceed. */
    public double relativeSpread() { return (max() - min()) / median(); }

    private double[] sorted() {
        double[] s = seconds.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(s);
        return s;
    }
}
