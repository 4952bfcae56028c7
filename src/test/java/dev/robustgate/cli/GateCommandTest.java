package dev.robustgate.cli;

import dev.robustgate.cli.gatefixtures.SampleGates;
import dev.robustgate.metric.ConfidenceInterval;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * {@code robustgate gate} run in-process on the sample specs of {@link SampleGates}: the exit code,
 * the table row of each gate, and the failure messages below the table.
 */
class GateCommandTest {
    private static final String PACKAGE = "dev.robustgate.cli.gatefixtures";
    private static final Pattern INTERVAL = Pattern.compile("\\[(\\d\\.\\d{3}), (\\d\\.\\d{3})] n=(\\d+)");

    /**
     * Enables the fixtures, and keeps Allure's auto-registered launcher listener out of the nested
     * launcher: the fixtures' (deliberately failing) results must not land in the project's
     * allure-results, and the outer test's Allure context must not be replaced by theirs.
     */
    private static final Map<String, String> PROPS = Map.of(
            SampleGates.ENABLED, "true",
            "junit.platform.execution.listeners.deactivate", "io.qameta.allure.junitplatform.*");

    private static CliRun.Result gate(String... more) {
        String[] args = new String[3 + more.length];
        args[0] = "gate";
        args[1] = "--package";
        args[2] = PACKAGE;
        System.arraycopy(more, 0, args, 3, more.length);
        return CliRun.run(PROPS, args);
    }

    /** The table row of a spec, split into its seven columns. */
    private static String[] row(CliRun.Result r, String spec) {
        List<String> rows = r.out().lines().filter(l -> l.startsWith(spec)).toList();
        assertThat(rows).as("rows of %s in%n%s", spec, r).hasSize(1);
        return rows.get(0).split("\\s{2,}");
    }

    @Test
    void aPassingGateExitsZeroAndShowsItsMeasurement() {
        CliRun.Result r = gate("--select", "PassingGate");

        assertThat(r.exitCode()).as("%s", r).isZero();
        String[] row = row(r, "SampleGates$PassingGate.cleanAccuracy");
        assertThat(row).as("%s", r).hasSize(7);
        assertThat(row[1]).isEqualTo("clean accuracy");
        double measured = Double.parseDouble(row[2]);
        Matcher m = INTERVAL.matcher(row[3]);
        assertThat(m.matches()).as("interval cell '%s'", row[3]).isTrue();
        double lo = Double.parseDouble(m.group(1));
        double hi = Double.parseDouble(m.group(2));
        assertThat(m.group(3)).isEqualTo("100");
        assertThat(lo).isLessThanOrEqualTo(measured).isGreaterThanOrEqualTo(0.5);
        // The printed interval is the Clopper-Pearson interval of the printed measurement over 100 samples.
        long k = Math.round(measured * 100);
        assertThat(measured * 100).as("a count of 100").isCloseTo(k, within(1e-6));
        ConfidenceInterval cp = ConfidenceInterval.clopperPearson(k, 100, 0.95);
        assertThat(lo).isCloseTo(cp.lower(), within(0.0006));
        assertThat(hi).isCloseTo(cp.upper(), within(0.0006));
        assertThat(row[4]).isEqualTo("lower bound >= 0.5");
        // n = 100 is at the floor, and a lower bound >= 0.5 fails a model at 0.5 most of the time.
        assertThat(row[5]).isEqualTo("drop 0.000");
        assertThat(row[6]).isEqualTo("PASS");
        assertThat(r.out()).contains("GATE PASSED").doesNotContain("FAILED ").doesNotContain("FailingGate");
    }

    @Test
    void aFailingGateExitsOneWithTheFullMessageBelowTheTable() {
        CliRun.Result r = gate("--select", "FailingGate");

        assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
        String[] row = row(r, "SampleGates$FailingGate.fgsmAtEps03");
        assertThat(row).as("%s", r).hasSize(7);
        assertThat(row[1]).isEqualTo("robust accuracy under FGSM-Linf(eps=0.3)");
        assertThat(INTERVAL.matcher(row[3]).matches()).as("interval cell '%s'", row[3]).isTrue();
        assertThat(row[4]).isEqualTo("lower bound >= 0.9");
        assertThat(row[6]).isEqualTo("FAIL");

        int tableRow = r.out().indexOf("SampleGates$FailingGate.fgsmAtEps03");
        int failure = r.out().indexOf("FAILED SampleGates$FailingGate.fgsmAtEps03");
        assertThat(failure).as("failure section in%n%s", r).isGreaterThan(tableRow);
        String below = r.out().substring(failure);
        assertThat(below).containsPattern("robust accuracy under FGSM-Linf\\(eps=0\\.3\\) on fashion-mlp-small: "
                + "\\d\\.\\d{3} \\[\\d\\.\\d{3}, \\d\\.\\d{3}] over 100 samples; required lower bound >= 0\\.9");
        assertThat(r.out()).contains("GATE FAILED");
    }

    @Test
    void aClassWhoseSetupThrowsFailsTheGate() {
        CliRun.Result r = gate("--select", "BrokenSetup");

        assertThat(r.exitCode()).as("a broken setup must never pass silently: %s", r).isEqualTo(1);
        String[] row = row(r, "SampleGates$BrokenSetup");
        assertThat(row[1]).isEqualTo("(setup of the class)");
        assertThat(row[row.length - 1]).isEqualTo("FAIL");
        assertThat(r.out()).contains("FAILED SampleGates$BrokenSetup (container)")
                .contains("IllegalStateException: " + SampleGates.SETUP_FAILURE)
                .contains("GATE FAILED");
    }

    @Test
    void passingAndFailingTogetherFailAndShowBothRows() {
        CliRun.Result r = gate("--select", "PassingGate|FailingGate");

        assertThat(r.exitCode()).as("%s", r).isEqualTo(1);
        assertThat(row(r, "SampleGates$PassingGate.cleanAccuracy")[6]).isEqualTo("PASS");
        assertThat(row(r, "SampleGates$FailingGate.fgsmAtEps03")[6]).isEqualTo("FAIL");
        assertThat(r.out()).contains("2 checks, 1 failed spec(s): GATE FAILED");
    }

    @Test
    void selectingByMethodNameRunsOnlyThatSpec() {
        CliRun.Result r = gate("--select", "^cleanAccuracy$");

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out()).contains("SampleGates$PassingGate.cleanAccuracy")
                .doesNotContain("FailingGate").doesNotContain("BrokenSetup").doesNotContain("Jqwik");
    }

    @Test
    void jqwikPropertiesRunThroughTheGateToo() {
        CliRun.Result passing = gate("--select", "additionCommutes");
        assertThat(passing.exitCode()).as("%s", passing).isZero();
        String[] row = row(passing, "SampleGates$JqwikGates.additionCommutes");
        assertThat(row[1]).isEqualTo("property / test");
        assertThat(row[row.length - 1]).isEqualTo("PASS");

        CliRun.Result failing = gate("--select", "failsWhenEnabled");
        assertThat(failing.exitCode()).as("%s", failing).isEqualTo(1);
        String[] failRow = row(failing, "SampleGates$JqwikGates.failsWhenEnabled");
        assertThat(failRow[failRow.length - 1]).isEqualTo("FAIL");
        assertThat(failing.out()).contains("FAILED SampleGates$JqwikGates.failsWhenEnabled")
                .contains("Property [SampleGates.JqwikGates:failsWhenEnabled] failed with sample")
                .contains("GATE FAILED");
    }

    @Test
    void aPatternThatMatchesNothingExitsTwo() {
        CliRun.Result r = gate("--select", "NoSuchGateAnywhere");

        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).contains("no specs found in package " + PACKAGE + " matching 'NoSuchGateAnywhere'");
        assertThat(r.out()).doesNotContain("GATE PASSED");
    }

    @Test
    void aPackageWithoutSpecsExitsTwo() {
        CliRun.Result r = CliRun.run(PROPS, "gate", "--package", "dev.robustgate.no.such.pkg");

        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).contains("no specs found in package dev.robustgate.no.such.pkg");
    }

    @Test
    void anInvalidPatternExitsTwoWithoutAStackTrace() {
        CliRun.Result r = gate("--select", "(");

        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).as("%s", r).doesNotContain("\tat ").doesNotContain("Exception");
        assertThat(r.errLines().get(0)).startsWith("robustgate gate: ");
        assertThat(r.out()).doesNotContain("GATE");
    }

    /** A malformed --select is one line that names the option, not the regex engine's two-line message. */
    @Test
    void anInvalidPatternGivesOneLineNamingTheOption() {
        CliRun.Result r = gate("--select", "(");

        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.errLines()).as("one line naming --select: %s", r).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("robustgate gate: ").contains("--select");
    }

    /** --full asks the specs for their full-size variants through the system property they read (MnistInversionSpec). */
    @Test
    void fullSetsTheSizePropertyForTheSpecs() {
        String before = System.getProperty(GateCommand.SIZE_PROPERTY);
        try {
            System.clearProperty(GateCommand.SIZE_PROPERTY);
            CliRun.Result r = gate("--select", "^cleanAccuracy$", "--full");

            assertThat(r.exitCode()).as("%s", r).isZero();
            assertThat(System.getProperty(GateCommand.SIZE_PROPERTY)).isEqualTo("full");
        } finally {
            if (before == null) System.clearProperty(GateCommand.SIZE_PROPERTY);
            else System.setProperty(GateCommand.SIZE_PROPERTY, before);
        }
    }
}
