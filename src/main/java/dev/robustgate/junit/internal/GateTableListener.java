package dev.robustgate.junit.internal;

import dev.robustgate.baseline.BaselineEntry;
import dev.robustgate.baseline.BaselineUsage;
import dev.robustgate.baseline.Baselines;
import dev.robustgate.event.EventBus;
import dev.robustgate.report.internal.AllureRun;
import dev.robustgate.report.ReportWiring;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.reporting.ReportEntry;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Registered by RobustGate's jar (META-INF/services), so that any JUnit Platform run, {@code mvn test}
 * or an IDE, gets what {@code ./robustgate gate} gives: the previous run's Allure results cleared
 * at its start, and at its end the gate table of the specs that ran, the baseline entries a full
 * run left unchecked, and a loud warning when no spec ran although the project has spec classes.
 * A run that executed no spec prints nothing else, unless it selected specs that were all skipped or aborted
 * (a loud warning and their table). A run that selected no spec at all is failed by {@link RequireSpecsEngine}.
 *
 * <p>A run nested in another (a test that launches specs itself) neither clears the results nor
 * prints its table; its gate events do not reach the outer run's table either.
 * The configuration parameter {@value #ENABLED} {@code = false} turns the table off.
 */
public final class GateTableListener implements TestExecutionListener {
    public static final String ENABLED = "robustgate.gate.table";
    private static final AtomicInteger DEPTH = new AtomicInteger();

    private int level;
    private GateTable table;
    private EventBus.Subscription subscription;
    private TestPlan plan;

    /** Whether a run is executing in this JVM: a launcher started now is nested in one of its tests. */
    static boolean running() {
        return DEPTH.get() > 0;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        level = DEPTH.incrementAndGet();
        // Once per results directory per JVM, at whatever depth: the nested run of a test that sets its own
        // directory starts that one, and a nested gate cannot wipe the outer run (AllureRun).
        AllureRun.startOnce(ReportWiring.resultsDirectory());
        boolean enabled = testPlan.getConfigurationParameters().getBoolean(ENABLED).orElse(true);
        if (enabled && level == 1) {
            table = GateTable.specsOnly(() -> DEPTH.get() == level);
            subscription = EventBus.global().subscribe(table);
        }
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        if (table != null) table.executionStarted(id);
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (table != null) table.executionSkipped(id, reason);
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (table != null) table.executionFinished(id, result);
    }

    @Override
    public void reportingEntryPublished(TestIdentifier id, ReportEntry entry) {
        if (table != null) table.reportingEntryPublished(id, entry);
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        DEPTH.decrementAndGet();
        if (table == null) return;
        subscription.close();
        try {
            print(System.out, table, RunScope.current(), plan, SpecClasses::specClassesOnClasspath);
        } catch (RuntimeException e) {
            System.err.println("[robustgate] could not print the gate table: " + e);
        }
    }

    static void print(PrintStream out, GateTable table, RunScope scope, TestPlan plan, Supplier<List<String>> specClasses) {
        // A plan of one class is an IDE's run of it, or one of Surefire's forks (forkCount > 1 runs each class
        // alone): the other spec classes may run elsewhere. RequireSpecsEngine fails Surefire's one-class run.
        List<String> unrun = scope.full() && SpecClasses.classesIn(plan) > 1 ? SpecClasses.notRun(plan, specClasses.get()) : List.of();
        if (table.executed() == 0) {
            if (table.notRun() > 0) {
                // Specs were selected and none ran: skipped and aborted tests fail nothing, so the build is green;
                // a listener cannot fail it and an engine cannot see the other engines' results, so shout.
                out.println();
                out.println("[robustgate] WARNING: no spec ran: every selected spec was skipped or aborted ("
                        + table.notRun() + "); this run gated nothing.");
                out.println(table.render());
            }
            if (!unrun.isEmpty()) out.println(SpecClasses.warning(unrun, true));
            return;
        }
        out.println();
        out.println("RobustGate gate (" + table.executed() + " spec" + (table.executed() == 1 ? "" : "s") + " ran)");
        out.println(table.render());
        if (!unrun.isEmpty()) out.println(SpecClasses.warning(unrun, false));
        if (scope.full() && !Baselines.updateRequested()) {
            try {
                Baselines b = Baselines.standard();
                Map<String, BaselineEntry> stale = BaselineUsage.stale(b);
                if (!stale.isEmpty()) out.println("[robustgate] " + BaselineUsage.describeStale(b, stale));
            } catch (RuntimeException e) {
                out.println("[robustgate] could not check the baselines for stale entries: " + e.getMessage());
            }
        }
    }
}
