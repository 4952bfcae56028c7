package dev.robustgate.junit;

import dev.robustgate.baseline.BaselineComparison;
import dev.robustgate.baseline.Baselines;
import dev.robustgate.baseline.Better;
import dev.robustgate.event.EventBus;
import dev.robustgate.event.GateChecked;
import dev.robustgate.metric.ConfidenceInterval;
import dev.robustgate.metric.GateSensitivity;
import dev.robustgate.metric.Proportion;
import dev.robustgate.report.AllureAttachments;
import dev.robustgate.report.GateHistory;
import org.assertj.core.api.AbstractAssert;

import java.util.Locale;

/**
 * Gates on a measured proportion: its point estimate ({@link #isAtLeast}) or a bound of its
 * confidence interval ({@link #lowerBound()}, {@link #upperBound()}). Every check, passed or
 * failed, is published as a {@link GateChecked} event and recorded in the Allure result, with
 * what the gate can catch at its n ({@link GateSensitivity}): a weak gate says so in the gate table
 * and in Allure.
 *
 * <p>Gating on the lower bound says "we are 95% sure the model is at least this robust"; gating
 * on the point estimate says "this sample measured at least this much". Release gates should use
 * the lower bound.
 */
public class ProportionAssert extends AbstractAssert<ProportionAssert, Proportion> {

    ProportionAssert(Proportion actual) {
        super(actual, ProportionAssert.class);
        isNotNull();
    }

    /** The same measurement with its interval at another confidence level, e.g. 0.99. */
    public ProportionAssert withConfidence(double level) {
        return new ProportionAssert(actual.atLevel(level));
    }

    public ProportionAssert isAtLeast(double threshold) {
        check(GateSensitivity.Statistic.VALUE, ">=", threshold);
        return this;
    }

    public ProportionAssert isAtMost(double threshold) {
        check(GateSensitivity.Statistic.VALUE, "<=", threshold);
        return this;
    }

    /** What a threshold gate on {@code statistic} of this measurement can catch at its n. */
    public GateSensitivity sensitivity(GateSensitivity.Statistic statistic, boolean atLeast, double threshold) {
        requireThreshold(threshold);
        return GateSensitivity.ofThreshold(actual.trials(), statistic, atLeast, threshold, actual.interval().level());
    }

    /** The lower end of the confidence interval. */
    public BoundAssert lowerBound() {
        return new BoundAssert(this, GateSensitivity.Statistic.LOWER_BOUND);
    }

    /** The upper end of the confidence interval. */
    public BoundAssert upperBound() {
        return new BoundAssert(this, GateSensitivity.Statistic.UPPER_BOUND);
    }

    /**
     * Fails when this measurement is significantly lower than gate {@code id}'s accepted value in
     * {@link Baselines#standard()} (robustness-specs/baselines.json), by a one-sided Fisher exact
     * test at 99% confidence; a gate without a baseline fails as new. With
     * {@code -Drobustgate.baseline.update=true} the measurement is accepted instead.
     *
     * @param sampleSeed the seed of the evaluated sample, recorded with the baseline
     */
    public ProportionAssert isNoWorseThanBaseline(String id, long sampleSeed) {
        return isNoWorseThanBaseline(Baselines.standard(), id, sampleSeed, Better.HIGHER);
    }

    /** As {@link #isNoWorseThanBaseline(String, long)}, for a metric where {@code better} says which way is better. */
    public ProportionAssert isNoWorseThanBaseline(String id, long sampleSeed, Better better) {
        return isNoWorseThanBaseline(Baselines.standard(), id, sampleSeed, better);
    }

    /** Against a given baseline file. */
    public ProportionAssert isNoWorseThanBaseline(Baselines baselines, String id, long sampleSeed, Better better) {
        BaselineGate.Decision d = BaselineGate.decide(actual, baselines, id, sampleSeed, better,
                BaselineComparison.DEFAULT_SIGNIFICANCE);
        GateHistory.standard().recordAndAttach(id, actual);
        // The baseline was measured on the same samples (the gate refuses others), so n1 = n2 = n.
        GateSensitivity s = GateSensitivity.ofComparison(actual.trials(), actual.trials(), actual.value(),
                BaselineComparison.DEFAULT_SIGNIFICANCE, 0);
        report(actual.metric() + " vs baseline", d.requirement(), d.passed(), d.message(), s, "baseline " + id,
                String.format(Locale.ROOT, "%.4f %s n=%d; %s", actual.value(), actual.interval(), actual.trials(), d.requirement()));
        return this;
    }

    /**
     * This measurement's confidence interval lies wholly above {@code other}'s: higher beyond
     * sampling noise, e.g. a defended model against the undefended one on the same sample.
     */
    public ProportionAssert isClearlyAbove(Proportion other) {
        return separated(other, 0, true);
    }

    /** As {@link #isClearlyAbove(Proportion)}, with at least {@code margin} between the two intervals. */
    public ProportionAssert isClearlyAbove(Proportion other, double margin) {
        return separated(other, margin, true);
    }

    /** This measurement's confidence interval lies wholly below {@code other}'s. */
    public ProportionAssert isClearlyBelow(Proportion other) {
        return separated(other, 0, false);
    }

    private ProportionAssert separated(Proportion other, double margin, boolean above) {
        if (other == null) throw new IllegalArgumentException("the proportion to compare with is null");
        requireThreshold(margin);
        ConfidenceInterval ci = actual.interval();
        double gap = above ? ci.lower() - other.interval().upper() : other.interval().lower() - ci.upper();
        // Margin 0 asks for disjoint intervals, so touching ones fail.
        boolean ok = margin == 0 ? gap > 0 : gap >= margin;
        String requirement = String.format(Locale.ROOT, "interval %s %s's %s%s", above ? "above" : "below",
                other.subject(), other.interval(), margin == 0 ? "" : " by >= " + fmt(margin));
        String message = String.format(Locale.ROOT, "%s; required %s (gap %.4f) for %s", actual.summary(), requirement, gap,
                other.summary());
        GateSensitivity s = GateSensitivity.ofSeparation(actual.trials(), actual.value(), other.trials(), other.value(), margin);
        report(actual.metric(), requirement, ok, message, s,
                actual.metric() + " of " + actual.subject() + (above ? " above " : " below ") + other.subject(),
                String.format(Locale.ROOT, "%.4f %s vs %.4f %s, gap %.4f", actual.value(), ci, other.value(), other.interval(), gap));
        return this;
    }

    public Proportion proportion() {
        return actual;
    }

    void check(GateSensitivity.Statistic statistic, String op, double threshold) {
        requireThreshold(threshold);
        ConfidenceInterval ci = actual.interval();
        double measured = switch (statistic) {
            case VALUE -> actual.value();
            case LOWER_BOUND -> ci.lower();
            case UPPER_BOUND -> ci.upper();
        };
        String what = switch (statistic) {
            case VALUE -> "";
            case LOWER_BOUND -> "lower bound";
            case UPPER_BOUND -> "upper bound";
        };
        GateSensitivity s = sensitivity(statistic, op.equals(">="), threshold);
        boolean ok = op.equals(">=") ? measured >= threshold : measured <= threshold;
        String level = ci.level() == ConfidenceInterval.DEFAULT_LEVEL ? ""
                : String.format(Locale.ROOT, " of the %.0f%% interval", ci.level() * 100);
        String requirement = String.format(Locale.ROOT, "required %s%s %s %s",
                what.isEmpty() ? "value" : what, what.isEmpty() ? "" : level, op, fmt(threshold));
        // One parameter per gate, named by what it measures, so a report row reads on its own.
        report(actual.metric(), requirement.substring("required ".length()), ok, actual.summary() + "; " + requirement,
                s, actual.metric() + underMethod(),
                String.format(Locale.ROOT, "%.4f %s n=%d; %s", actual.value(), ci, actual.trials(), requirement));
    }

    /**
     * Every gate's reporting: a {@link GateChecked} event (the gate table, the CLI's verdicts), an
     * Allure parameter {@code parameterName = parameterValue; detects ...: passed|FAILED} (with
     * "WEAK" when the gate is weak), and the failure.
     */
    private void report(String metric, String requirement, boolean ok, String message, GateSensitivity s,
                        String parameterName, String parameterValue) {
        ConfidenceInterval ci = actual.interval();
        EventBus.emit(new GateChecked(metric, actual.subject() + underMethod(), actual.value(), ci.lower(), ci.upper(),
                actual.trials(), requirement, ok, message, s.detectableChange(), s.weak(), s.description()));
        AllureAttachments.parameter(parameterName, parameterValue + "; detects " + s.description() + ": " + (ok ? "passed" : "FAILED"));
        if (s.weak()) AllureAttachments.parameter(parameterName + " (weak gate)", s.description());
        if (!ok) {
            failWithMessage("%s", message);
        }
    }

    private String underMethod() {
        return actual.method().isEmpty() ? "" : " under " + actual.method();
    }

    private static void requireThreshold(double t) {
        if (!(t >= 0 && t <= 1)) {
            throw new IllegalArgumentException("a threshold for a proportion must be in [0, 1], got " + t);
        }
    }

    private static String fmt(double v) {
        String s = String.format(Locale.ROOT, "%.4f", v);
        return s.replaceAll("0+$", "").replaceAll("\\.$", ".0");
    }
}
