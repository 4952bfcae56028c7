package dev.robustgate.cli.baselinefixtures;

import dev.robustgate.junit.RobustnessSpec;
import dev.robustgate.metric.Proportion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static dev.robustgate.junit.RobustnessAssertions.assertThatProportion;

/**
 * A baseline gate for {@code BaselineCommandTest}, run through the CLI with {@code --package}. Not a
 * test of its own: the name matches none of Surefire's includes, and it is disabled unless
 * {@value #ENABLED} is true. The measurement is a fixed count, so the test needs no model.
 */
@RobustnessSpec
@EnabledIfSystemProperty(named = BaselineSampleGates.ENABLED, matches = "true")
public class BaselineSampleGates {
    public static final String ENABLED = "robustgate.cli.baselinefixtures";

    @Test
    void sampleGate() {
        assertThatProportion(Proportion.of("robust accuracy", "sample-model", "", 640, 1000))
                .isNoWorseThanBaseline("sample/gate", 7);
    }
}
