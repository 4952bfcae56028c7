package dev.robustgate.junit;

import dev.robustgate.attack.FgsmAttack;
import dev.robustgate.data.Dataset;
import dev.robustgate.model.DifferentiableClassifier;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import static dev.robustgate.junit.RobustnessAssertions.assertThatRobustness;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

/** Runs small specs through the real Jupiter engine and checks what users would see. */
class RobustGateExtensionTest {
    private static final String VICTIM = "fashion-mlp-small";

    @RobustnessSpec
    static class InjectionSpec {
        @Test
        void injectsVictimAndSamples(@Victim(VICTIM) DifferentiableClassifier model,
                                     @Samples(value = 50, seed = 3) Dataset test,
                                     @Samples(value = 50, seed = 3) Dataset again,
                                     @Victim(VICTIM) dev.robustgate.fixture.Victim withMetadata) {
            assertThat(model.name()).isEqualTo(VICTIM);
            assertThat(test.size()).isEqualTo(50);
            assertThat(test.name()).isEqualTo("fashion-mnist");
            assertThat(test.contentHash()).isEqualTo(again.contentHash());
            assertThat(withMetadata.model()).isSameAs(model);
            assertThat(withMetadata.metadata().cleanAccuracy()).isGreaterThan(0.5);
        }
    }

    @RobustnessSpec
    static class UnknownVictimSpec {
        @Test
        void unknown(@Victim("no-such-victim") DifferentiableClassifier model) {
        }
    }

    @RobustnessSpec
    static class WrongTypeSpec {
        @Test
        void samplesAsString(@Samples(10) String notADataset) {
        }
    }

    @RobustnessSpec
    static class TooManySamplesSpec {
        @Test
        void tooMany(@Samples(value = 10_001) Dataset test) {
        }
    }

    @RobustnessSpec
    static class FailingGateSpec {
        @Test
        void demandsTooMuch(@Victim(VICTIM) DifferentiableClassifier model, @Samples(value = 50, seed = 3) Dataset test) {
            var result = FgsmAttack.linf().eps(0.3).run(model, test);
            assertThatRobustness(result).robustAccuracy().lowerBound().isAtLeast(0.9);
        }
    }

    private static Events run(Class<?> spec) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(spec)).execute().testEvents();
    }

    @Test
    void victimsAndSeededSamplesAreInjected() {
        run(InjectionSpec.class).assertStatistics(s -> s.started(1).succeeded(1).failed(0));
    }

    @Test
    void anUnknownVictimFailsWithTheKnownNames() {
        run(UnknownVictimSpec.class).assertThatEvents().haveExactly(1, event(test("unknown"),
                finishedWithFailure(message(m -> m.contains("unknown victim 'no-such-victim'")
                        && m.contains("fashion-lenet") && m.contains(VICTIM)))));
    }

    @Test
    void samplesOnTheWrongTypeSaySo() {
        run(WrongTypeSpec.class).assertThatEvents().haveExactly(1, event(test("samplesAsString"),
                finishedWithFailure(message(m -> m.contains("@Samples needs a parameter of type Dataset")
                        && m.contains("String")))));
    }

    @Test
    void askingForMoreSamplesThanTheSplitHasIsAnError() {
        run(TooManySamplesSpec.class).assertThatEvents().haveExactly(1, event(test("tooMany"),
                finishedWithFailure(message(m -> m.contains("cannot sample 10001 of 10000")))));
    }

    @Test
    void aFailedGateStatesAttackVictimValueIntervalSamplesAndThreshold() {
        run(FailingGateSpec.class).assertThatEvents().haveExactly(1, event(test("demandsTooMuch"),
                finishedWithFailure(message(m -> m.matches(
                        "robust accuracy under FGSM-Linf\\(eps=0\\.3\\) on fashion-mlp-small: 0\\.\\d{3} "
                                + "\\[0\\.\\d{3}, 0\\.\\d{3}\\] over 50 samples; required lower bound >= 0\\.9")))));
    }
}
