package dev.robustgate.junit;

import dev.robustgate.baseline.BaselineComparison;
import dev.robustgate.baseline.BaselineComparison.Verdict;
import dev.robustgate.baseline.BaselineEntry;
import dev.robustgate.baseline.Baselines;
import dev.robustgate.baseline.BaselineUsage;
import dev.robustgate.baseline.Better;
import dev.robustgate.data.Shard;
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
        String how = "accept it with: " + acceptCommand(baselines);
        BaselineUsage.checked(baselines, id);
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
        String sameSamples = sameSamples(now, base, seed);
        if (sameSamples != null) {
            // A count from other samples is another experiment: 4 samples could never show a regression
            // against 1000, and another seed compares other images; both used to pass silently.
            return new Decision(false, "a baseline measured on the same samples",
                    "baseline '" + id + "' in " + baselines.file() + " was accepted on " + base.samples() + " samples (seed "
                            + base.seed() + "), but the gate measured " + now.summary() + " (seed " + seed + "): " + sameSamples
                            + "; compare like with like, or if the new sample is intended, " + how);
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

    /** Null when {@code now} was measured on the baseline's samples; otherwise what differs. */
    private static String sameSamples(Proportion now, BaselineEntry base, long seed) {
        if (base.seed() != seed) return "the seed differs (" + seed + " vs " + base.seed() + ")";
        Shard shard = Shard.fromSystemProperty();
        long expected = shard == null ? base.samples() : shardSize(base.samples(), shard);
        if (now.trials() != expected) {
            return "the sample count differs (" + now.trials() + " vs " + expected
                    + (shard == null ? "" : " in shard " + shard + " of " + base.samples()) + ")";
        }
        return null;
    }

    /** Samples of shard i/n of {@code total}: positions i-1, i-1+n, ... (see {@link Shard}). */
    private static long shardSize(long total, Shard shard) {
        long first = shard.number() - 1;
        return total <= first ? 0 : (total - first + shard.count() - 1) / shard.count();
    }

    /**
     * The command that accepts this gate's measurement, in its mvn form (naming the spec class that
     * is running, when there is one) and its CLI form.
     */
    static String acceptCommand(Baselines baselines) {
        String spec = RunningSpec.className().map(c -> " -Dtest=" + c).orElse("");
        String standardFile = Baselines.standard().file().equals(baselines.file()) ? ""
                : " -D" + Baselines.FILE_PROPERTY + "=" + baselines.file();
        // The CLI form only where there is a CLI: RobustGate's own repository, not a project using the jar.
        boolean cli = java.nio.file.Files.isRegularFile(java.nio.file.Paths.get(System.getProperty("robustgate.project.dir", "."), "robustgate"));
        return "mvn test" + spec + standardFile + " -D" + Baselines.UPDATE_PROPERTY + "=true"
                + (cli ? " (or ./robustgate baseline --update" + RunningSpec.className().map(c -> " --select " + c).orElse("") + ")" : "");
    }

    private static String describeMethod(String method) {
        return method.isEmpty() ? "" : " under " + method;
    }

    private static String p(double p) {
        return p < 1e-4 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
    }
}
