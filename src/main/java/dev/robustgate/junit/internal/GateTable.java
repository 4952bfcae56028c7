package dev.robustgate.junit.internal;

import dev.robustgate.event.EventListener;
import dev.robustgate.event.GateChecked;
import dev.robustgate.junit.RobustnessSpec;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * The gate table: one row per gate check (or per test without one), the failures below it, and
 * the verdict line. {@code ./robustgate gate} fills it with every test of the spec package;
 * {@link GateTableListener} with the specs (tests tagged {@value RobustnessSpec#TAG}) of any run.
 */
public final class GateTable implements TestExecutionListener, EventListener {
    private record Row(String spec, String gate, String measured, String interval, String threshold, String detects,
                       String verdict, boolean weak) {
        Row(String spec, String gate, String measured, String interval, String threshold, String verdict) {
            this(spec, gate, measured, interval, threshold, "", verdict, false);
        }
    }

    private static final TestTag SPEC_TAG = TestTag.create(RobustnessSpec.TAG);

    private final boolean specsOnly;
    private final BooleanSupplier listening;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> currentReports = new ArrayList<>();
    private final Set<String> specClasses = new LinkedHashSet<>();
    private volatile String current = "?";
    private boolean currentCounts;
    private int executed;
    private int notRun;
    private boolean currentHadGate;

    private GateTable(boolean specsOnly, BooleanSupplier listening) {
        this.specsOnly = specsOnly;
        this.listening = listening;
    }

    /** Every test of the run is a row: the CLI runs only the spec package. */
    public static GateTable allTests() {
        return new GateTable(false, () -> true);
    }

    /**
     * Only specs are rows; gate events count while {@code listening} says so (false while a nested
     * launcher, e.g. a test of the gate command itself, runs its own specs).
     */
    public static GateTable specsOnly(BooleanSupplier listening) {
        return new GateTable(true, listening);
    }

    /** Whether {@code id} is a spec: tagged {@value RobustnessSpec#TAG} (by {@code @RobustnessSpec} or jqwik's {@code @Tag}). */
    public static boolean isSpec(TestIdentifier id) {
        return id.getTags().contains(SPEC_TAG);
    }

    private boolean counts(TestIdentifier id) {
        return !specsOnly || isSpec(id);
    }

    @Override
    public synchronized void executionStarted(TestIdentifier id) {
        if (id.isTest()) {
            current = specName(id);
            currentCounts = counts(id);
            currentHadGate = false;
            currentReports.clear();
        }
    }

    @Override
    public synchronized void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
        if (currentCounts) entry.getKeyValuePairs().forEach((k, v) -> currentReports.add(k + ": " + v));
    }

    @Override
    public synchronized void onGateChecked(GateChecked e) {
        if (!currentCounts || !listening.getAsBoolean()) return;
        currentHadGate = true;
        rows.add(new Row(current, e.metric() + gateSubject(e.subject()), String.format(Locale.ROOT, "%.3f", e.value()),
                String.format(Locale.ROOT, "[%.3f, %.3f] n=%d", e.lower(), e.upper(), e.samples()),
                e.requirement(), e.sensitivity(), e.passed() ? "PASS" : "FAIL", e.weak()));
    }

    @Override
    public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
        boolean ok = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
        if (!counts(id)) return;
        if (specsOnly && id.isTest() && result.getStatus() == TestExecutionResult.Status.ABORTED) {
            // An assumption that failed: Surefire counts it as skipped and the build stays green, so the table
            // must not call it a failure (nor a pass): the spec checked nothing.
            notRun++;
            String why = result.getThrowable().map(Throwable::getMessage).orElse("aborted");
            rows.add(new Row(specName(id), "", "", "", "", "ABORTED: " + firstLine(why)));
            currentCounts = false;
            return;
        }
        if (!id.isTest()) {
            // A class whose setup failed never runs its specs: that must fail the gate, not vanish.
            if (!ok && id.getParentId().isPresent()) {
                String why = result.getThrowable().map(t -> t.getClass().getSimpleName() + ": " + t.getMessage()).orElse("failed");
                failures.add(id.getDisplayName() + " (container)\n  " + why.replace("\n", "\n  "));
                rows.add(new Row(id.getDisplayName(), "(setup of the class)", "", "", "", "FAIL"));
            }
            return;
        }
        executed++;
        id.getSource().filter(MethodSource.class::isInstance).map(s -> ((MethodSource) s).getClassName()).ifPresent(specClasses::add);
        if (!ok) {
            String why = result.getThrowable().map(t -> t.getClass().getSimpleName() + ": " + t.getMessage()).orElse("failed");
            StringBuilder f = new StringBuilder(specName(id)).append("\n  ").append(why.replace("\n", "\n  "));
            for (String r : currentReports) f.append("\n  ").append(r.replace("\n", "\n  "));
            failures.add(f.toString());
        }
        if (!currentHadGate) {
            rows.add(new Row(specName(id), "property / test", "", "", "", ok ? "PASS" : "FAIL"));
        } else if (!ok && rows.stream().noneMatch(r -> r.spec.equals(current) && r.verdict.equals("FAIL"))) {
            rows.add(new Row(specName(id), "(after its gates)", "", "", "", "FAIL"));
        }
        currentCounts = false;
    }

    @Override
    public synchronized void executionSkipped(TestIdentifier id, String reason) {
        if (!counts(id)) return;
        notRun++;
        rows.add(new Row(id.isTest() ? specName(id) : id.getDisplayName(), "", "", "", "", "SKIPPED: " + reason));
    }

    public synchronized int failures() {
        return failures.size();
    }

    /** Tests (specs, in specs-only mode) that ran, passed or failed. */
    public synchronized int executed() {
        return executed;
    }

    /** Specs (or classes of specs) that were selected and skipped, and specs aborted by an assumption (specs-only mode). */
    public synchronized int notRun() {
        return notRun;
    }

    /** Fully qualified names of the classes whose tests ran. */
    public synchronized Set<String> executedClasses() {
        return Set.copyOf(specClasses);
    }

    public synchronized String render() {
        // "detects": the smallest change past the threshold the gate fails with 80% power, or WEAK.
        String[] head = {"spec", "gate", "measured", "interval", "threshold", "detects", "verdict"};
        int[] w = new int[head.length];
        for (int i = 0; i < head.length; i++) w[i] = head[i].length();
        for (Row r : rows) {
            String[] c = cells(r);
            for (int i = 0; i < c.length; i++) w[i] = Math.min(Math.max(w[i], c[i].length()), 60);
        }
        StringBuilder sb = new StringBuilder();
        line(sb, head, w);
        StringBuilder sep = new StringBuilder();
        for (int x : w) sep.append("-".repeat(x)).append("  ");
        sb.append(sep.toString().stripTrailing()).append('\n');
        for (Row r : rows) line(sb, cells(r), w);
        for (String f : failures) sb.append('\n').append("FAILED ").append(f).append('\n');
        long weak = rows.stream().filter(Row::weak).count();
        if (weak > 0) {
            sb.append('\n').append(String.format("%d weak gate(s): they cannot fail at their n, or their n is below %d;"
                    + " a pass says little", weak, dev.robustgate.metric.GateSensitivity.MIN_TRIALS)).append('\n');
        }
        if (specsOnly && executed == 0) {
            sb.append('\n').append(String.format("%d checks, no spec ran (%d skipped or aborted): NOTHING WAS GATED", rows.size(), notRun));
        } else {
            sb.append('\n').append(String.format("%d checks, %d failed spec(s): %s", rows.size(), failures.size(),
                    failures.isEmpty() ? "GATE PASSED" : "GATE FAILED"));
        }
        return sb.toString();
    }

    private static String firstLine(String s) {
        if (s == null) return "aborted";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String gateSubject(String subject) {
        int under = subject.indexOf(" under ");
        return under < 0 ? "" : " under " + subject.substring(under + " under ".length());
    }

    private static String[] cells(Row r) {
        return new String[]{r.spec, r.gate, r.measured, r.interval, r.threshold, r.detects, r.verdict};
    }

    private static void line(StringBuilder sb, String[] c, int[] w) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < c.length; i++) {
            String s = c[i].length() > w[i] ? c[i].substring(0, w[i] - 1) + "~" : c[i];
            l.append(String.format("%-" + w[i] + "s  ", s));
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    static String specName(TestIdentifier id) {
        return id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                .map(m -> m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1) + "." + m.getMethodName())
                .or(() -> id.getSource().filter(ClassSource.class::isInstance).map(ClassSource.class::cast)
                        .map(c -> c.getClassName().substring(c.getClassName().lastIndexOf('.') + 1)))
                .orElse(id.getDisplayName());
    }
}
