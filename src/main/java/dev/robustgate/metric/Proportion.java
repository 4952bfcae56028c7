package dev.robustgate.metric;

import java.util.Locale;

/**
 * A measured proportion with its provenance: what was measured, on what, by what, and the exact
 * count behind it. Everything a gate's message and a report need.
 */
public record Proportion(String metric, String subject, String method, long successes, long trials,
                         ConfidenceInterval interval) {

    public static Proportion of(String metric, String subject, String method, long successes, long trials) {
        return new Proportion(metric, subject, method, successes, trials,
                ConfidenceInterval.clopperPearson(successes, trials, ConfidenceInterval.DEFAULT_LEVEL));
    }

    public double value() {
        return (double) successes / trials;
    }

    public Proportion atLevel(double level) {
        return new Proportion(metric, subject, method, successes, trials,
                ConfidenceInterval.clopperPearson(successes, trials, level));
    }

    /** "robust accuracy under PGD-Linf(...) on fashion-lenet: 0.112 [0.093, 0.133] over 1000 samples". */
    public String summary() {
        return String.format(Locale.ROOT, "%s%s on %s: %.3f %s over %d samples", metric,
                method.isEmpty() ? "" : " under " + method, subject, value(), interval, trials);
    }

    @Override
    public String toString() {
        return summary();
    }
}
