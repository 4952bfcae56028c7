package dev.robustgate.metric;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.SyntheticResults;
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
import static org.assertj.core.api.Assertions.within;

/**
 * Every check stays quiet on an honest model; the paired tests flag systematic effects only. That
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
    void risingAccuracyIsFlaggedOnlyWhenSystematic() {
        int n = 20;
        int[] labels = new int[n];
        int[] clean = new int[n];
        int[] broken = new int[n];
        java.util.Arrays.fill(broken, 1);
        boolean[] yes = new boolean[n];
        java.util.Arrays.fill(yes, true);
        // eps 0.1: all broken; eps 0.2: all robust again.
        AttackResult rising = SyntheticResults.of(labels, clean, null, new double[]{0.1, 0.2},
                new int[][]{broken, clean}, new boolean[][]{yes, new boolean[n]});
        assertThat(MaskingChecks.accuracyRisesWithEps(rising, 0.05).suspected()).isTrue();
        // One sample back is noise, not a pattern.
        int[] oneBack = broken.clone();
        oneBack[0] = 0;
        boolean[] oneBackSuccess = yes.clone();
        oneBackSuccess[0] = false;
        AttackResult noise = SyntheticResults.of(labels, clean, null, new double[]{0.1, 0.2},
                new int[][]{broken, oneBack}, new boolean[][]{yes, oneBackSuccess});
        assertThat(MaskingChecks.accuracyRisesWithEps(noise, 0.05).suspected()).isFalse();
    }

    @Test
    void theSignTestIsExact() {
        assertThat(MaskingChecks.signTest(5, 0)).isCloseTo(1.0 / 32, within(1e-12));
        assertThat(MaskingChecks.signTest(0, 0)).isEqualTo(1.0);
        assertThat(MaskingChecks.signTest(1, 1)).isCloseTo(0.75, within(1e-12));
    }

    @Test
    void badSettingsAreRejected() {
        assertThatThrownBy(() -> MaskingChecks.linf()).hasMessageContaining("at least one eps");
        assertThatThrownBy(() -> MaskingChecks.linf(1.5)).hasMessageContaining("got 1.5");
        assertThatThrownBy(() -> MaskingChecks.linf(0.1).alpha(0)).hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> MaskingChecks.linf(0.1).gradientThreshold(1)).hasMessageContaining("got 1.0");
    }
}
