package dev.robustgate.junit.internal;

import dev.robustgate.event.EventBus;
import dev.robustgate.junit.internal.fixtures.AbortedSpec;
import dev.robustgate.junit.internal.fixtures.LonelySpec;
import dev.robustgate.junit.internal.fixtures.OtherPlainTest;
import dev.robustgate.junit.internal.fixtures.WeakAndStrongSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/** What the platform listener prints at the end of a run: the table when specs ran, a warning when none did. */
class GateTableListenerTest {

    @BeforeEach
    void enable() {
        System.setProperty(LonelySpec.ENABLED, "true");
    }

    @AfterEach
    void disable() {
        System.clearProperty(LonelySpec.ENABLED);
    }

    private static String run(RunScope scope, DiscoverySelector... selectors) {
        LauncherDiscoveryRequest req = request().selectors(selectors)
                .configurationParameter("junit.platform.execution.listeners.deactivate", "io.qameta.allure.junitplatform.*")
                .build();
        Launcher launcher = LauncherFactory.create();
        TestPlan plan = launcher.discover(req);
        GateTable table = GateTable.specsOnly(() -> true);
        try (var sub = EventBus.global().subscribe(table)) {
            launcher.execute(req, table);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        GateTableListener.print(new PrintStream(out, true, StandardCharsets.UTF_8), table, scope, plan,
                () -> List.of(LonelySpec.class.getName(), "dev.robustgate.specs.FashionLeNetSpec"));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aWeakGateIsMarkedInItsRowAndBelowTheTableAndAStrongOneIsNot() {
        String out = run(new RunScope("-Dtest=WeakAndStrongSpec"), selectClass(WeakAndStrongSpec.class));

        // 3/10 >= 0.3 fails only at k <= 2: a model must fall to ~0.15 to fail 4 runs in 5, and 10 < 100.
        assertThat(out).containsPattern("WeakAndStrongSpec\\.onTen +.* n=10 +value >= 0\\.3 +WEAK: n=10 < 100; drop 0\\.1\\d\\d +PASS")
                .containsPattern("WeakAndStrongSpec\\.onAThousand +.* n=1000 +value >= 0\\.25 +drop 0\\.0\\d\\d +PASS")
                .contains("1 weak gate(s)")
                .contains("2 checks, 0 failed spec(s): GATE PASSED");
    }

    @Test
    void aRunWithSpecsEndsWithTheGateTableOfItsSpecsOnly() {
        String out = run(new RunScope("-Dtest=LonelySpec*"), selectClass(LonelySpec.class), selectClass(LonelySpec.PlainTest.class));

        assertThat(out).contains("RobustGate gate (1 spec ran)")
                .containsPattern("LonelySpec\\.toyGate +clean accuracy +0\\.900 +\\[0\\.\\d{3}, 0\\.\\d{3}] n=100 +lower bound >= 0\\.5 +drop 0\\.000 +PASS")
                .contains("1 checks, 0 failed spec(s): GATE PASSED")
                .doesNotContain("plain").doesNotContain("WARNING");
    }

    @Test
    void aSelectedRunWithoutSpecsIsQuiet() {
        String out = run(new RunScope("-Dtest=PlainTest"), selectClass(LonelySpec.PlainTest.class));

        assertThat(out).isEmpty();
    }

    @Test
    void aFullRunThatExecutesNoSpecWarnsLoudlyAndNamesTheSpecClassesItMissed() {
        String out = run(new RunScope(null), selectClass(LonelySpec.PlainTest.class), selectClass(OtherPlainTest.class));

        assertThat(out).contains("WARNING: no spec ran, but").contains("LonelySpec")
                .contains("<include>**/*Spec.java</include>").doesNotContain("GATE PASSED");
    }

    @Test
    void aFullRunWithSpecsNamesTheSpecClassesThatDidNotRun() {
        String out = run(new RunScope(null), selectClass(LonelySpec.class), selectClass(OtherPlainTest.class));

        String warning = out.substring(out.indexOf("GATE PASSED"));
        assertThat(warning).contains("1 spec class was compiled and not run: FashionLeNetSpec.").doesNotContain("LonelySpec");
    }

    @Test
    void aFullRunOfOneClassDoesNotWarnAsTheOtherSpecsMayRunInOtherForks() {
        // forkCount > 1 runs each class alone, and an IDE runs the one class asked for.
        assertThat(run(new RunScope(null), selectClass(LonelySpec.PlainTest.class))).isEmpty();
    }

    @Test
    void aRunWhoseSelectedSpecsWereAllAbortedSaysLoudlyThatItGatedNothing() {
        String out = run(new RunScope("-Dtest=AbortedSpec"), selectClass(AbortedSpec.class));

        assertThat(out).contains("[robustgate] WARNING: no spec ran: every selected spec was skipped or aborted (1); this run gated nothing.")
                .containsPattern("AbortedSpec\\.needsAGpu +ABORTED: Assumption failed: no GPU here")
                .contains("1 checks, no spec ran (1 skipped or aborted): NOTHING WAS GATED")
                .doesNotContain("GATE PASSED").doesNotContain("GATE FAILED");
    }

    @Test
    void specClassesAreFoundInTheTestClassesExceptConditionalFixtures() {
        // jqwik's @Tag("robustness") makes a spec too (PerturbationBoundsProperties).
        assertThat(SpecClasses.specClassesOnClasspath()).contains("dev.robustgate.specs.FashionLeNetSpec",
                        "dev.robustgate.specs.PerturbationBoundsProperties")
                .doesNotContain(LonelySpec.class.getName(), "dev.robustgate.cli.baselinefixtures.BaselineSampleGates");
    }
}
