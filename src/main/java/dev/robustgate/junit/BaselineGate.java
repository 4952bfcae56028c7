package dev.robustgate.junit;

import dev.robustgate.baseline.BaselineComparison;
import dev.robustgate.baseline.BaselineComparison.Verdict;
import dev.robustgate.baseline.BaselineEntry;
import dev.robustgate.baseline.Baselines;
import dev.robustgate.baseline.Better;
import dev.robustgate.metric.Proportion;

import java.util.Locale;
import java.util.Optional;

/**
 * The decision behind {@link ProportionAssert#isNoWorseThanBaseline}: accept (update mode),
 * compare, or refuse (no baseline, or a baseline of something else).
 */
final class BaselineGate {
    record Decision(boolean passed, String requirement, String message) {}

    private BaselineGate() {}

    static Decision decide(Proportion now, Baselines baselines, String id, long seed, Better better, double significance) {
        String how = "accept it with -D" + Baselines.UPDATE_PROPERTY + "=true (mvn test) or ./robustgate baseline --update";
        if (Baselines.updateRequested()) {
            String diff = baselines.accept(id, now, better, seed);
            System.out.println("[robustgate] baseline " + baselines.file().getFileName() + ": " + diff);
            return new Decision(true, "baseline accepted (update run)", now.summary() + "; accepted as baseline '" + id + "'");
        }
        Optional<BaselineEntry> found = baselines.get(id);
        if (found.isEmpty()) {
            // A new gate must be accepted on purpose: passing it silently would let a renamed or
            // misspelt id disable its regression check without anyone noticing.
            return new Decision(false, "a baseline for '" + id + "'",
                    "no baseline for gate '" + id + "' in " + baselines.file() + " (new gate): measured " + now.summary()
                            + "; " + how);
        }
        BaselineEntry base = found.get();
        if (!base.metric().equals(now.metric()) || !base.method().equals(now.method()) || !base.subject().equals(now.subject())
                || base.better() != better) {
            return new Decision(false, "a baseline of the same measurement",
                    "baseline '" + id + "' in " + baselines.file() + " is " + base.what() + " (" + base.better().word() + " is better)"
                            + ", but the gate measured " + now.metric() + describeMethod(now.method()) + " on " + now.subject()
                            + " (" + better.word() + " is better); if the change is intended, " + how);
        }
        Verdict v = BaselineComparison.compare(now, base, significance);
        String baseText = String.format(Locale.ROOT, "%.3f n=%d (seed %d, accepted %s)",
                (double) base.successes() / base.samples(), base.samples(), base.seed(), base.accepted());
        String requirement = String.format(Locale.ROOT, "not significantly %s baseline %s (one-sided Fisher exact p >= %s)",
                better == Better.HIGHER ? "below" : "above", baseText, significance);
        String pText = p(v.pWorse());
        if (v.regressed()) {
            return new Decision(false, requirement, "robustness regression: " + now.summary() + " is significantly "
                    + (better == Better.HIGHER ? "below" : "above") + " its baseline '" + id + "' " + baseText
                    + " (one-sided Fisher exact p = " + pText + " < " + significance + ")");
        }
        String note = v.outcome() == BaselineComparison.Outcome.IMPROVEMENT
                ? "; significantly better than its baseline (p = " + p(v.pBetter()) + "): " + how : "";
        return new Decision(true, requirement, now.summary() + " vs baseline '" + id + "' " + baseText + ": p = " + pText + note);
    }

    private static String describeMethod(String method) {
        return method.isEmpty() ? "" : " under " + method;
    }

    private static String p(double p) {
        return p < 1e-4 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
    }
}
