package dev.robustgate.cli;

import dev.robustgate.event.EventBus;
import dev.robustgate.event.EventListener;
import dev.robustgate.event.GateChecked;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * Runs the robustness specs through the JUnit Platform launcher (Jupiter and jqwik alike), then
 * prints one row per gate check and exits 1 when any spec failed.
 */
@Command(name = "gate", mixinStandardHelpOptions = true,
        description = "Run the robustness specs (robustness-specs/) and print the verdicts.")
final class GateCommand implements Callable<Integer> {

    @Option(names = "--select", paramLabel = "PATTERN",
            description = "Only specs whose class or method name contains this regular expression.")
    String select;

    @Option(names = "--package", defaultValue = "dev.robustgate.specs",
            description = "Package holding the specs (default: ${DEFAULT-VALUE}).")
    String specPackage;

    @Override
    public Integer call() {
        // jqwik reports through the platform here, so its statistics reach the table, not stdout.
        var builder = request().selectors(selectPackage(specPackage))
                .configurationParameter("jqwik.reporting.usejunitplatform", "true")
                .configurationParameter("jqwik.database", "target/jqwik-database")
                .configurationParameter("jqwik.edgecases.default", "MIXIN");
        if (select != null) {
            try {
                builder.filters(nameFilter(Pattern.compile(select)));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException("--select '" + select + "' is not a regular expression: " + e.getDescription());
            }
        }
        try {
            dev.robustgate.report.AllureResultsDirectory.clearPreviousRun(dev.robustgate.report.ReportWiring.resultsDirectory());
        } catch (java.io.IOException e) {
            throw new dev.robustgate.RobustGateException("cannot clear the previous run from "
                    + dev.robustgate.report.ReportWiring.resultsDirectory() + ": " + e.getMessage(), e);
        }
        dev.robustgate.report.ReportWiring.installOnce();
        LauncherDiscoveryRequest req = builder.build();
        Launcher launcher = LauncherFactory.create();
        var plan = launcher.discover(req);
        long tests = plan.countTestIdentifiers(TestIdentifier::isTest);
        if (tests == 0) {
            System.err.println("no specs found in package " + specPackage + (select != null ? " matching '" + select + "'" : "")
                    + "; is robustness-specs compiled (mvn test-compile)?");
            return 2;
        }
        GateTable table = new GateTable();
        try (var sub = EventBus.global().subscribe(table)) {
            launcher.execute(req, table);
        }
        System.out.println();
        System.out.println(table.render());
        if (table.executed() == 0) {
            // Every selected spec was skipped or disabled: a gate that checked nothing must not pass.
            System.out.println("no spec ran (all skipped): GATE FAILED");
            return 1;
        }
        return table.failures() == 0 ? 0 : 1;
    }

    private static PostDiscoveryFilter nameFilter(Pattern p) {
        return descriptor -> {
            if (!descriptor.isTest()) return FilterResult.included("container");
            var src = descriptor.getSource().orElse(null);
            if (src instanceof MethodSource m) {
                String cls = m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1);
                boolean hit = p.matcher(cls).find() || p.matcher(m.getMethodName()).find();
                return hit ? FilterResult.included("matches") : FilterResult.excluded("does not match " + p);
            }
            return FilterResult.excluded("no method source");
        };
    }

    /** Collects gate checks per running test and the tests' outcomes into a summary table. */
    static final class GateTable implements TestExecutionListener, EventListener {
        private record Row(String spec, String gate, String measured, String interval, String threshold, String verdict) {}

        private final List<Row> rows = new ArrayList<>();
        private final List<String> failures = new ArrayList<>();
        private final List<String> currentReports = new ArrayList<>();
        private volatile String current = "?";
        private int executed;
        private boolean currentHadGate;

        @Override
        public synchronized void executionStarted(TestIdentifier id) {
            if (id.isTest()) {
                current = specName(id);
                currentHadGate = false;
                currentReports.clear();
            }
        }

        @Override
        public synchronized void reportingEntryPublished(TestIdentifier id, org.junit.platform.engine.reporting.ReportEntry entry) {
            entry.getKeyValuePairs().forEach((k, v) -> currentReports.add(k + ": " + v));
        }

        @Override
        public synchronized void onGateChecked(GateChecked e) {
            currentHadGate = true;
            rows.add(new Row(current, e.metric() + gateSubject(e.subject()), String.format(java.util.Locale.ROOT, "%.3f", e.value()),
                    String.format(java.util.Locale.ROOT, "[%.3f, %.3f] n=%d", e.lower(), e.upper(), e.samples()),
                    e.requirement(), e.passed() ? "PASS" : "FAIL"));
        }

        @Override
        public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
            boolean ok = result.getStatus() == TestExecutionResult.Status.SUCCESSFUL;
            if (id.isTest()) executed++;
            if (!id.isTest()) {
                // A class whose setup failed never runs its specs: that must fail the gate, not vanish.
                if (!ok && id.getParentId().isPresent()) {
                    String why = result.getThrowable().map(t -> t.getClass().getSimpleName() + ": " + t.getMessage()).orElse("failed");
                    failures.add(id.getDisplayName() + " (container)\n  " + why.replace("\n", "\n  "));
                    rows.add(new Row(id.getDisplayName(), "(setup of the class)", "", "", "", "FAIL"));
                }
                return;
            }
            if (!ok) {
                String why = result.getThrowable().map(t -> t.getClass().getSimpleName() + ": " + t.getMessage()).orElse("failed");
                StringBuilder f = new StringBuilder(specName(id)).append("\n  ").append(why.replace("\n", "\n  "));
                for (String r : currentReports) f.append("\n  ").append(r.replace("\n", "\n  "));
                failures.add(f.toString());
            }
            if (!currentHadGate) {
                rows.add(new Row(specName(id), "property / test", "", "", "",
                        ok ? "PASS" : "FAIL"));
            } else if (!ok && rows.stream().noneMatch(r -> r.spec.equals(current) && r.verdict.equals("FAIL"))) {
                rows.add(new Row(specName(id), "(after its gates)", "", "", "", "FAIL"));
            }
        }

        @Override
        public synchronized void executionSkipped(TestIdentifier id, String reason) {
            rows.add(new Row(id.isTest() ? specName(id) : id.getDisplayName(), "", "", "", "", "SKIPPED: " + reason));
        }

        int failures() {
            return failures.size();
        }

        int executed() {
            return executed;
        }

        String render() {
            String[] head = {"spec", "gate", "measured", "interval", "threshold", "verdict"};
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
            sb.append('\n').append(String.format("%d checks, %d failed spec(s): %s", rows.size(), failures.size(),
                    failures.isEmpty() ? "GATE PASSED" : "GATE FAILED"));
            return sb.toString();
        }

        private static String gateSubject(String subject) {
            int under = subject.indexOf(" under ");
            return under < 0 ? "" : " under " + subject.substring(under + " under ".length());
        }

        private static String[] cells(Row r) {
            return new String[]{r.spec, r.gate, r.measured, r.interval, r.threshold, r.verdict};
        }

        private static void line(StringBuilder sb, String[] c, int[] w) {
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < c.length; i++) {
                String s = c[i].length() > w[i] ? c[i].substring(0, w[i] - 1) + "~" : c[i];
                l.append(String.format("%-" + w[i] + "s  ", s));
            }
            sb.append(l.toString().stripTrailing()).append('\n');
        }

        private static String specName(TestIdentifier id) {
            return id.getSource().filter(MethodSource.class::isInstance).map(MethodSource.class::cast)
                    .map(m -> m.getClassName().substring(m.getClassName().lastIndexOf('.') + 1) + "." + m.getMethodName())
                    .orElse(id.getDisplayName());
        }
    }
}
