package dev.robustgate.metric;

import dev.robustgate.data.Dataset;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.model.Dl4jClassifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.robustgate.metric.MaskingChecks.BLACK_BOX_BEATS_WHITE_BOX;
import static dev.robustgate.metric.MaskingChecks.FGSM_BEATS_PGD;
import static dev.robustgate.metric.MaskingChecks.RISES_WITH_EPS;
import static dev.robustgate.metric.MaskingChecks.UNBOUNDED_ABOVE_CHANCE;
import static dev.robustgate.metric.MaskingChecks.USELESS_GRADIENTS;
import static dev.robustgate.metric.MaskingChecks.RANDOMISED;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every check stays quiet on an honest model (the decisions on synthetic counts: MaskingDecisionsTest). That
 * each flag fires on a model built to trip it is shown by the spec MaskingFlagsSpec (robustness-specs).
 */
class MaskingChecksTest {
    private static final int N = 60;
    private static final MaskingChecks CHECKS = MaskingChecks.linf(0.02, 0.05, 0.1).squareQueries(200);
    private static Dl4jClassifier mlp;
    private static Dataset data;

    @BeforeAll
    static void load() {
        mlp = TestModels.smallMlp();
        data = TestModels.fashionTest(N, 59);
    }

    @Test
    void aRandomisedModelIsFlaggedAndADeterministicOneIsNot() {
        MaskingCheck noisy = MaskingChecks.randomised(dev.robustgate.defense.RandomNoiseDefense.of(mlp, 0.1, 3), data);
        assertThat(noisy.suspected()).as("%s", noisy).isTrue();
        assertThat(noisy.evidence()).contains("EOT").contains(N + " of " + N);
        MaskingCheck plain = MaskingChecks.randomised(mlp, data);
        assertThat(plain.suspected()).as("%s", plain).isFalse();
    }

    @Test
    void anHonestModelRaisesNoFlag() {
        MaskingReport report = CHECKS.run(mlp, data);
        assertThat(report.flags()).as(report.toString()).isEmpty();
        assertThat(report.checks()).extracting(MaskingCheck::name)
                .containsExactly(RISES_WITH_EPS, UNBOUNDED_ABOVE_CHANCE, BLACK_BOX_BEATS_WHITE_BOX, FGSM_BEATS_PGD, USELESS_GRADIENTS, RANDOMISED);
        assertThat(report.summary()).startsWith("no sign of gradient masking on fashion-mlp-small");
        assertThat(report.gradients().uselessFraction().successes()).isZero();
    }

    @Test
    void badSettingsAreRejected() {
        assertThatThrownBy(() -> MaskingChecks.linf()).hasMessageContaining("at least one eps");
        assertThatThrownBy(() -> MaskingChecks.linf(1.5)).hasMessageContaining("got 1.5");
        assertThatThrownBy(() -> MaskingChecks.linf(0.1).alpha(0)).hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> MaskingChecks.linf(0.1).gradientThreshold(1)).hasMessageContaining("got 1.0");
    }
}
