package dev.robustgate.report.allurefixtures;

import dev.robustgate.cli.RobustGateCli;
import dev.robustgate.junit.RobustnessSpec;
import dev.robustgate.metric.Proportion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static dev.robustgate.junit.RobustnessAssertions.assertThatProportion;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run in miniature for {@code AllureRunTest}: two spec classes around a test that runs
 * {@code robustgate gate} in-process, as GateCommandTest does in {@code mvn test}. Disabled unless
 * {@value #ENABLED} is true, so that a wide {@code -Dtest} sees them skipped.
 */
public final class NestedGateRun {
    public static final String ENABLED = "robustgate.report.allurefixtures";

    private NestedGateRun() {}

    static void gate() {
        assertThatProportion(Proportion.of("clean accuracy", "toy", "", 90, 100)).lowerBound().isAtLeast(0.5);
    }

    @RobustnessSpec
    @EnabledIfSystemProperty(named = ENABLED, matches = "true")
    public static class ASpecBefore {
        @Test
        void passes() {
            gate();
        }
    }

    @EnabledIfSystemProperty(named = ENABLED, matches = "true")
    public static class BNestedGate {
        @Test
        void runsTheGateInProcess() {
            int code = RobustGateCli.commandLine().execute("gate", "--package", "dev.robustgate.report.allurefixtures.inner");
            assertThat(code).isZero();
        }
    }

    @RobustnessSpec
    @EnabledIfSystemProperty(named = ENABLED, matches = "true")
    public static class CSpecAfter {
        @Test
        void passes() {
            gate();
        }
    }
}
