package dev.robustgate.report.allurefixtures.inner;

import dev.robustgate.junit.RobustnessSpec;
import dev.robustgate.metric.Proportion;
import dev.robustgate.report.allurefixtures.NestedGateRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static dev.robustgate.junit.RobustnessAssertions.assertThatProportion;

/** The spec the nested gate of {@link NestedGateRun} runs. */
@RobustnessSpec
@EnabledIfSystemProperty(named = NestedGateRun.ENABLED, matches = "true")
public class InnerGates {
    @Test
    void innerGate() {
        assertThatProportion(Proportion.of("clean accuracy", "inner toy", "", 80, 100)).isAtLeast(0.5);
    }
}
