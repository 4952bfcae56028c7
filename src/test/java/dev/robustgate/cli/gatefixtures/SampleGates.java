package dev.robustgate.cli.gatefixtures;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.FgsmAttack;
import dev.robustgate.data.Dataset;
import dev.robustgate.junit.RobustnessSpec;
import dev.robustgate.junit.Samples;
import dev.robustgate.junit.Victim;
import dev.robustgate.metric.CleanAccuracy;
import dev.robustgate.model.DifferentiableClassifier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static dev.robustgate.junit.RobustnessAssertions.assertThatProportion;
import static dev.robustgate.junit.RobustnessAssertions.assertThatRobustness;

/**
 * Sample specs for the {@code gate} command's tests ({@code GateCommandTest}), run through the CLI with
 * {@code --package dev.robustgate.cli.gatefixtures --select <class>}.
 *
 * <p>They are not tests of their own: the file name matches none of Surefire's includes, and every
 * Jupiter class is disabled unless {@value #ENABLED} is {@code true}, which {@code GateCommandTest} sets
 * only while it runs the gate; so a wide {@code -Dtest=dev.robustgate.cli.**} that picks them up anyway
 * sees them skipped, not failed. The jqwik property fails only when enabled for the same reason.
 * Method names are short so that the gate table's 60-character columns do not truncate them.
 */
public final class SampleGates {
    /** System property that enables these fixtures. */
    public static final String ENABLED = "robustgate.cli.gatefixtures";
    public static final String VICTIM = "fashion-mlp-small";
    public static final String SETUP_FAILURE = "fixture setup is broken on purpose";

    private SampleGates() {}

    static boolean enabled() {
        return Boolean.getBoolean(ENABLED);
    }

    /** Passes: an MLP at ~0.80 clean accuracy has a lower bound well above 0.5 on 100 samples. */
    @RobustnessSpec
    @EnabledIfSystemProperty(named = ENABLED, matches = "true")
    public static class PassingGate {
        @Test
        void cleanAccuracy(@Victim(VICTIM) DifferentiableClassifier model, @Samples(value = 100, seed = 1) Dataset test) {
            assertThatProportion(CleanAccuracy.of(model, test)).lowerBound().isAtLeast(0.5);
        }
    }

    /** Fails: no undefended model keeps 90% robust accuracy at Linf eps 0.3. */
    @RobustnessSpec
    @EnabledIfSystemProperty(named = ENABLED, matches = "true")
    public static class FailingGate {
        @Test
        void fgsmAtEps03(@Victim(VICTIM) DifferentiableClassifier model, @Samples(value = 100, seed = 1) Dataset test) {
            AttackResult result = FgsmAttack.linf().eps(0.3).run(model, test);
            assertThatRobustness(result).robustAccuracy().lowerBound().isAtLeast(0.9);
        }
    }

    /** A class whose setup throws: its specs never run, and that must fail the gate. */
    @RobustnessSpec
    @EnabledIfSystemProperty(named = ENABLED, matches = "true")
    public static class BrokenSetup {
        @BeforeAll
        static void loadSomething() {
            throw new IllegalStateException(SETUP_FAILURE);
        }

        @Test
        void neverRuns() {
        }
    }

    /** jqwik properties, to check that the gate runs the jqwik engine too (no model: fast). */
    public static class JqwikGates {
        @Property(tries = 20)
        boolean additionCommutes(@ForAll int a, @ForAll int b) {
            return a + b == b + a;
        }

        @Property(tries = 20)
        boolean failsWhenEnabled(@ForAll int a) {
            return !enabled();
        }
    }
}
