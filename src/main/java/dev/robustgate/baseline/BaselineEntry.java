package dev.robustgate.baseline;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.robustgate.metric.ConfidenceInterval;
import dev.robustgate.metric.Proportion;

import java.time.Instant;
import java.util.Locale;

/**
 * One gate's accepted measurement: what was measured (metric, subject, method), which way is
 * better, the count behind it, its interval, the sample seed and when it was accepted.
 */
@JsonPropertyOrder({"metric", "subject", "method", "better", "value", "successes", "samples", "interval", "level", "seed", "accepted"})
public record BaselineEntry(String metric, String subject, String method, Better better, double value, long successes,
                            long samples, double[] interval, double level, long seed, String accepted) {

    static BaselineEntry of(Proportion p, Better better, long seed, Instant accepted) {
        ConfidenceInterval ci = p.interval();
        return new BaselineEntry(p.metric(), p.subject(), p.method(), better, round(p.value()), p.successes(), p.trials(),
                new double[]{round(ci.lower()), round(ci.upper())}, ci.level(), seed, accepted.toString());
    }

    /** Checks what a hand-edited file could get wrong; {@code where} names the entry in the message. */
    void validate(String where) {
        if (metric == null || subject == null || method == null || better == null) {
            throw new IllegalArgumentException(where + ": metric, subject, method and better are required");
        }
        if (interval == null || interval.length != 2 || !(interval[0] <= interval[1])) {
            throw new IllegalArgumentException(where + ": interval must be [lower, upper]");
        }
        if (samples <= 0 || successes < 0 || successes > samples) {
            throw new IllegalArgumentException(where + ": successes must be in [0, samples] with samples > 0, got "
                    + successes + " of " + samples);
        }
        if (Math.abs(value - (double) successes / samples) > 1e-3) {
            throw new IllegalArgumentException(where + ": value " + value + " disagrees with " + successes + "/" + samples);
        }
    }

    /** "0.640 [0.609, 0.670] n=1000 (seed 7)". */
    String brief() {
        String ci = interval != null && interval.length == 2
                ? String.format(Locale.ROOT, " [%.3f, %.3f]", interval[0], interval[1]) : "";
        return String.format(Locale.ROOT, "%.3f%s n=%d (seed %d)", (double) successes / samples, ci, samples, seed);
    }

    /** "robust accuracy under PGD-Linf(...) on fashion-mlp-ci-pgd-at". */
    /** "metric under method on subject", as messages name the measurement. */
    public String what() {
        return metric + (method.isEmpty() ? "" : " under " + method) + " on " + subject;
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }
}
