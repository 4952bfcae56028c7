package dev.robustgate.specs;

import dev.robustgate.data.Dataset;
import dev.robustgate.fixture.MaskedModels;
import dev.robustgate.junit.RobustnessSpec;
import dev.robustgate.junit.Samples;
import dev.robustgate.junit.Victim;
import dev.robustgate.metric.MaskingChecks;
import dev.robustgate.metric.MaskingReport;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.Dl4jClassifier;
import dev.robustgate.report.MaskingReports;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.robustgate.metric.MaskingChecks.BLACK_BOX_BEATS_WHITE_BOX;
import static dev.robustgate.metric.MaskingChecks.FGSM_BEATS_PGD;
import static dev.robustgate.metric.MaskingChecks.RISES_WITH_EPS;
import static dev.robustgate.metric.MaskingChecks.UNBOUNDED_ABOVE_CHANCE;
import static dev.robustgate.metric.MaskingChecks.USELESS_GRADIENTS;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The masking checks catch what they are for: each flag fires on a model built to trip it, all
 * wrapping fashion-mlp-small (CI-sized: 60 test images, sample seed 11, Linf eps 0.02/0.05/0.1,
 * PGD 20 steps, Square 200 queries). Each built model classifies the clean images exactly as the
 * honest one does, so only the gradients (or the model's behaviour under attack) differ. These
 * specs pass when the flags fire; the Allure results carry each report under the category
 * "gradient masking suspected".
 */
@RobustnessSpec
@DisplayName("gradient masking checks fire on models built to trip them")
class MaskingFlagsSpec {
    private static final MaskingChecks CHECKS = MaskingChecks.linf(0.02, 0.05, 0.1).squareQueries(200);

    private static MaskingReport check(DifferentiableClassifier model, Dataset test) {
        MaskingReport report = CHECKS.run(model, test);
        MaskingReports.attach(report);
        return report;
    }

    @Test
    @DisplayName("saturated softmax (logits x 1000): zero gradients, unbounded PGD above chance, Square beats PGD")
    void saturatedSoftmax(@Victim("fashion-mlp-small") Dl4jClassifier mlp, @Samples(value = 60, seed = 11) Dataset test) {
        Dl4jClassifier saturated = MaskedModels.saturatedSoftmax(mlp, 1000);
        assertThat(saturated.predict(test.features())).containsExactly(mlp.predict(test.features()));
        MaskingReport report = check(saturated, test);
        assertThat(report.flagged(USELESS_GRADIENTS)).as("%s", report).isTrue();
        assertThat(report.flagged(UNBOUNDED_ABOVE_CHANCE)).as("%s", report).isTrue();
        assertThat(report.flagged(BLACK_BOX_BEATS_WHITE_BOX)).as("%s", report).isTrue();
        assertThat(report.summary()).startsWith(MaskingReport.CATEGORY);
    }

    @Test
    @DisplayName("gradient-zeroing input layer: every gradient zero, unbounded PGD above chance, Square beats PGD")
    void gradientZeroingLayer(@Victim("fashion-mlp-small") Dl4jClassifier mlp, @Samples(value = 60, seed = 11) Dataset test) {
        Dl4jClassifier zeroing = MaskedModels.gradientZeroingLayer(mlp);
        assertThat(zeroing.predict(test.features())).containsExactly(mlp.predict(test.features()));
        MaskingReport report = check(zeroing, test);
        assertThat(report.gradients().zero()).isEqualTo(test.size());
        assertThat(report.flagged(USELESS_GRADIENTS)).as("%s", report).isTrue();
        assertThat(report.flagged(UNBOUNDED_ABOVE_CHANCE)).as("%s", report).isTrue();
        assertThat(report.flagged(BLACK_BOX_BEATS_WHITE_BOX)).as("%s", report).isTrue();
    }

    @Test
    @DisplayName("gradients only at clean inputs (off the pixel grid they are zero): FGSM beats PGD")
    void gradientsOnlyAtCleanInputs(@Victim("fashion-mlp-small") Dl4jClassifier mlp, @Samples(value = 60, seed = 11) Dataset test) {
        MaskingReport report = check(MaskedModels.gradientOnlyOnPixelGrid(mlp), test);
        assertThat(report.flagged(FGSM_BEATS_PGD)).as("%s", report).isTrue();
        assertThat(report.flagged(USELESS_GRADIENTS)).as("gradients at the clean inputs are fine: %s", report).isFalse();
    }

    @Test
    @DisplayName("robust only to perturbations beyond Linf 0.04: accuracy rises with eps")
    void robustOnlyToLargePerturbations(@Victim("fashion-mlp-small") Dl4jClassifier mlp, @Samples(value = 60, seed = 11) Dataset test) {
        MaskingReport report = check(MaskedModels.robustOnlyToLargePerturbations(mlp, test, 0.04), test);
        assertThat(report.flagged(RISES_WITH_EPS)).as("%s", report).isTrue();
    }
}
