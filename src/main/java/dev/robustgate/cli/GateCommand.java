package dev.robustgate.cli;

import dev.robustgate.event.EventBus;
import dev.robustgate.junit.internal.GateTable;
import dev.robustgate.junit.internal.GateTableListener;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

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

    static final String SPEC_PACKAGE = "dev.robustgate.specs";
    /** The system property a spec reads for its size: "full" for the main job's full-size runs, else CI-sized. */
    static final String SIZE_PROPERTY = "robustgate.size";

    @Option(names = "--full",
            description = "Run the full-size variants where a spec has one (sets -D" + SIZE_PROPERTY + "=full): "
                    + "e.g. MnistInversionSpec's conditional DCGAN at the source material's size (hours on 2 cores).")
    boolean full;

    @Option(names = "--package", defaultValue = SPEC_PACKAGE,
            description = "Package holding the specs (default: ${DEFAULT-VALUE}).")
    String specPackage;

    @Override
    public Integer call() {
        if (full) System.setProperty(SIZE_PROPERTY, "full");
        // jqwik reports through the platform here, so its statistics reach the table, not stdout.
        var builder = request().selectors(selectPackage(specPackage))
                .configurationParameter("jqwik.reporting.usejunitplatform", "true")
                .configurationParameter("jqwik.database", "target/jqwik-database")
                .configurationParameter("jqwik.edgecases.default", "MIXIN")
                // This command prints the table itself (of every test in the package, not only tagged specs).
                .configurationParameter(GateTableListener.ENABLED, "false");
        if (select != null) {
            try {
                builder.filters(nameFilter(Pattern.compile(select)));
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new IllegalArgumentException("--select '" + select + "' is not a regular expression: " + e.getDescription());
            }
        }
        // Once per JVM: a gate run inside a test run (this command's own tests) keeps the outer run's results.
        dev.robustgate.report.internal.AllureRun.startOnce(dev.robustgate.report.ReportWiring.resultsDirectory());
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
        GateTable table = GateTable.allTests();
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
        if (select == null && specPackage.equals(SPEC_PACKAGE) && !dev.robustgate.baseline.Baselines.updateRequested()) {
            reportStaleBaselines();
        }
        return table.failures() == 0 ? 0 : 1;
    }

    /** After a full run: baseline entries that no spec checked (see BaselineUsage). */
    private static void reportStaleBaselines() {
        var baselines = dev.robustgate.baseline.Baselines.standard();
        var stale = dev.robustgate.baseline.BaselineUsage.stale(baselines);
        if (!stale.isEmpty()) System.out.println(dev.robustgate.baseline.BaselineUsage.describeStale(baselines, stale));
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
}
