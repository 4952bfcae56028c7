package dev.robustgate.specs;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.WorstCaseOf;
import dev.robustgate.data.Dataset;
import dev.robustgate.junit.RobustnessSpec;
import dev.robustgate.junit.Samples;
import dev.robustgate.junit.Victim;
import dev.robustgate.metric.Proportion;
import dev.robustgate.metric.RobustAccuracy;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.report.AllureAttachments;
import dev.robustgate.report.CurvePlot;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static dev.robustgate.junit.RobustnessAssertions.assertThatProportion;
import static dev.robustgate.junit.RobustnessAssertions.assertThatRobustness;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Adversarial training is not data augmentation." CI-sized: four MLP 784-256-10 victims trained
 * the same way (Adam 1e-3, batch 128, 2 epochs over the first 10k training images, seed 777) but
 * for the defense, see fixtures/victims/fashion-mlp-ci*.json:
 * undefended; FGSM adversarial training (eps 0.1, half of each batch adversarial); PGD adversarial
 * training (Madry: eps 0.1, 5 x 0.03, random start, whole batch adversarial); data augmentation
 * (shifts <= 2 px, rotations <= 10 deg, horizontal flips). Evaluated on 1000 test images (seed 7)
 * with FGSM-Linf eps 0.1 and PGD-Linf eps 0.1, 40 x 0.01, random start (stronger than the training
 * attack). Measured on 2026-11-22 ({@code ./robustgate gate --select AdversarialTraining}):
 * <pre>
 *   victim                      clean                 FGSM eps 0.1          PGD eps 0.1
 *   fashion-mlp-ci (none)       0.823 [0.798, 0.846]  0.173 [0.150, 0.198]  0.136 [0.115, 0.159]
 *   fashion-mlp-ci-fgsm-at      0.768 [0.741, 0.794]  0.529 [0.498, 0.560]  0.470 [0.439, 0.501]
 *   fashion-mlp-ci-pgd-at       0.726 [0.697, 0.753]  0.530 [0.499, 0.561]  0.521 [0.490, 0.552]
 *   fashion-mlp-ci-augmented    0.752 [0.724, 0.778]  0.108 [0.089, 0.129]  0.077 [0.061, 0.095]
 * </pre>
 * PGD training buys +0.385 PGD robust accuracy for -0.097 clean accuracy; augmentation costs
 * about as much clean accuracy (-0.071) and buys no robustness (PGD -0.059).
 * Under the strong ensemble (WorstCaseOf.strong(0.1): PGD 40 steps x 5 restarts, then C&W-L2
 * scored in Linf, then Square 1000 queries, each on what the previous left standing), on 100 test
 * images (seed 7), measured on 2026-11-22:
 * <pre>
 *   victim                      clean  FGSM   PGD-40  strong                gradient / forward evaluations
 *   fashion-mlp-ci (none)       0.770  0.180  0.150   0.140 [0.079, 0.224]  17013 / 25275
 *   fashion-mlp-ci-fgsm-at      0.750  0.540  0.450   0.440 [0.341, 0.543]  51784 / 77790
 *   fashion-mlp-ci-pgd-at       0.750  0.560  0.560   0.540 [0.437, 0.640]  61617 / 94190
 *   fashion-mlp-ci-augmented    0.730  0.120  0.070   0.080 [0.035, 0.152]   8702 / 14224
 * </pre>
 * The strong ensemble takes at most 0.02 off PGD-40: PGD training's robustness is not masking.
 * The spec runs the ensemble on the undefended, PGD-trained and augmented victims (about 87k
 * gradient and 134k forward evaluations); the FGSM-AT row was measured with the same code on
 * fashion-mlp-ci-fgsm-at (commit 8bf7034) and left out of CI for its cost.
 * Thresholds sit below the measured intervals with margin; the regression baselines in
 * robustness-specs/baselines.json catch smaller, significant drops.
 * The full-size counterparts (LeNet, 60k images) are fixtures/victims/fashion-lenet-*-at.json,
 * for the main job's {@code ./robustgate eval}; {@code mvn test} never trains them.
 */
@RobustnessSpec
@DisplayName("adversarial training (CI-sized MLP)")
class AdversarialTrainingSpec {
    static final int SAMPLES = 1000;
    static final long SAMPLE_SEED = 7;
    /** Measured 0.521 [0.490, 0.552]. */
    static final double PGD_AT_PGD_LOWER = 0.45;
    /** Measured 0.726 [0.697, 0.753]. */
    static final double PGD_AT_CLEAN_LOWER = 0.66;
    /** Undefended measured 0.136 [0.115, 0.159], augmented 0.077 [0.061, 0.095]. */
    static final double UNDEFENDED_PGD_UPPER = 0.20;
    /** Measured 0.529 [0.498, 0.560]. */
    static final double FGSM_AT_FGSM_LOWER = 0.45;
    /** Measured 0.752 [0.724, 0.778]. */
    static final double AUG_CLEAN_LOWER = 0.68;

    @Test
    @DisplayName("PGD adversarial training raises PGD robust accuracy far above the undefended model's; clean accuracy moves little")
    void pgdTrainingRaisesRobustAccuracy(@Victim("fashion-mlp-ci") DifferentiableClassifier undefended,
                                         @Victim("fashion-mlp-ci-pgd-at") DifferentiableClassifier pgdTrained,
                                         @Samples(value = SAMPLES, seed = SAMPLE_SEED) Dataset test) {
        DefenseMeasurements base = DefenseMeasurements.of(undefended, test);
        DefenseMeasurements at = DefenseMeasurements.of(pgdTrained, test);
        assertThatRobustness(at.pgd()).robustAccuracy().lowerBound().isAtLeast(PGD_AT_PGD_LOWER);
        assertThatRobustness(base.pgd()).robustAccuracy().upperBound().isAtMost(UNDEFENDED_PGD_UPPER);
        // "Far above": the defended interval starts at least 0.25 above where the undefended one ends.
        assertThatProportion(at.pgdAccuracy()).isClearlyAbove(base.pgdAccuracy(), 0.25);
        // Clean accuracy pays for it, but little next to the gain.
        double cleanDrop = base.clean().value() - at.clean().value();
        double gain = at.pgdAccuracy().value() - base.pgdAccuracy().value();
        AllureAttachments.parameter("clean accuracy drop / PGD accuracy gain",
                String.format(Locale.ROOT, "%.3f / %.3f", cleanDrop, gain));
        assertThatProportion(at.clean()).lowerBound().isAtLeast(PGD_AT_CLEAN_LOWER);
        assertThat(cleanDrop).as("clean accuracy drop of %s (%.3f) must be well under its PGD gain (%.3f)",
                pgdTrained.name(), cleanDrop, gain).isLessThanOrEqualTo(gain / 2);
        assertThatProportion(at.pgdAccuracy()).isNoWorseThanBaseline("adversarial-training/pgd-at/pgd-robust-accuracy", SAMPLE_SEED);
        assertThatProportion(at.clean()).isNoWorseThanBaseline("adversarial-training/pgd-at/clean-accuracy", SAMPLE_SEED);
    }

    @Test
    @DisplayName("FGSM adversarial training resists FGSM")
    void fgsmTrainingResistsFgsm(@Victim("fashion-mlp-ci") DifferentiableClassifier undefended,
                                 @Victim("fashion-mlp-ci-fgsm-at") DifferentiableClassifier fgsmTrained,
                                 @Samples(value = SAMPLES, seed = SAMPLE_SEED) Dataset test) {
        DefenseMeasurements base = DefenseMeasurements.of(undefended, test);
        DefenseMeasurements at = DefenseMeasurements.of(fgsmTrained, test);
        assertThatRobustness(at.fgsm()).atEps(DefenseMeasurements.EPS).robustAccuracy().lowerBound().isAtLeast(FGSM_AT_FGSM_LOWER);
        assertThatProportion(at.fgsmAccuracy()).isClearlyAbove(base.fgsmAccuracy());
        assertThatProportion(at.fgsmAccuracy()).isNoWorseThanBaseline("adversarial-training/fgsm-at/fgsm-robust-accuracy", SAMPLE_SEED);
    }

    @Test
    @DisplayName("data augmentation moves clean accuracy but leaves PGD robust accuracy where it was")
    void augmentationIsNotAdversarialTraining(@Victim("fashion-mlp-ci") DifferentiableClassifier undefended,
                                              @Victim("fashion-mlp-ci-augmented") DifferentiableClassifier augmented,
                                              @Victim("fashion-mlp-ci-pgd-at") DifferentiableClassifier pgdTrained,
                                              @Samples(value = SAMPLES, seed = SAMPLE_SEED) Dataset test) {
        DefenseMeasurements base = DefenseMeasurements.of(undefended, test);
        DefenseMeasurements aug = DefenseMeasurements.of(augmented, test);
        DefenseMeasurements at = DefenseMeasurements.of(pgdTrained, test);
        AllureAttachments.parameter("clean accuracy undefended -> augmented",
                String.format(Locale.ROOT, "%.3f -> %.3f", base.clean().value(), aug.clean().value()));
        assertThatProportion(aug.clean()).lowerBound().isAtLeast(AUG_CLEAN_LOWER);
        // Robust accuracy stays with the undefended model's, within 0.1 ...
        assertThat(Math.abs(aug.pgdAccuracy().value() - base.pgdAccuracy().value()))
                .as("PGD robust accuracy of %s (%s) vs %s (%s)", augmented.name(), aug.pgdAccuracy().summary(),
                        undefended.name(), base.pgdAccuracy().summary())
                .isLessThanOrEqualTo(0.10);
        // ... and far below the adversarially trained one's.
        assertThatProportion(at.pgdAccuracy()).isClearlyAbove(aug.pgdAccuracy(), 0.25);
        assertThatRobustness(aug.pgd()).robustAccuracy().upperBound().isAtMost(UNDEFENDED_PGD_UPPER);
    }

    @Test
    @DisplayName("accuracy-vs-eps curves of the four models; PGD is never weaker than FGSM")
    void robustnessCurves(@Victim("fashion-mlp-ci") DifferentiableClassifier undefended,
                          @Victim("fashion-mlp-ci-fgsm-at") DifferentiableClassifier fgsmTrained,
                          @Victim("fashion-mlp-ci-pgd-at") DifferentiableClassifier pgdTrained,
                          @Victim("fashion-mlp-ci-augmented") DifferentiableClassifier augmented,
                          @Samples(value = SAMPLES, seed = SAMPLE_SEED) Dataset test) {
        List<CurvePlot.Series> series = new ArrayList<>();
        for (DifferentiableClassifier m : List.of(undefended, fgsmTrained, pgdTrained, augmented)) {
            DefenseMeasurements d = DefenseMeasurements.of(m, test);
            series.add(fgsmCurve(m.name(), d.fgsm()));
            // PGD ends where FGSM starts; a PGD weaker than FGSM at the same eps means the gradient lies.
            assertThat(d.pgdAccuracy().value())
                    .as("gradient masking suspected: PGD robust accuracy of %s (%s) above its FGSM robust accuracy (%s)",
                            m.name(), d.pgdAccuracy().summary(), d.fgsmAccuracy().summary())
                    .isLessThanOrEqualTo(d.fgsmAccuracy().value());
        }
        AllureAttachments.attachPng("robust accuracy vs eps (FGSM-Linf), four training procedures",
                CurvePlot.builder("FGSM-Linf robust accuracy, " + test.size() + " test images")
                        .xLabel("eps").yLabel("accuracy").series(series).toPng());
    }

    /** CI-sized strong-ensemble sample: 100 test images, sample seed 7. */
    static final int STRONG_SAMPLES = 100;
    /** Measured 0.540 [0.437, 0.640] (PGD-40 alone on the same 100: 0.560). */
    static final double PGD_AT_STRONG_LOWER = 0.38;
    /** Measured 0.140 [0.079, 0.224] (PGD-40 alone: 0.150). */
    static final double UNDEFENDED_STRONG_UPPER = 0.30;

    @Test
    @DisplayName("PGD adversarial training holds under the strong ensemble (PGD x5, C&W, Square), far above the undefended model")
    void pgdTrainingHoldsUnderTheStrongEnsemble(@Victim("fashion-mlp-ci") DifferentiableClassifier undefended,
                                                @Victim("fashion-mlp-ci-pgd-at") DifferentiableClassifier pgdTrained,
                                                @Victim("fashion-mlp-ci-augmented") DifferentiableClassifier augmented,
                                                @Samples(value = STRONG_SAMPLES, seed = SAMPLE_SEED) Dataset test) {
        WorstCaseOf strong = WorstCaseOf.strong(DefenseMeasurements.EPS);
        Map<String, Proportion> worst = new LinkedHashMap<>();
        for (DifferentiableClassifier m : List.of(undefended, pgdTrained, augmented)) {
            WorstCaseOf.Detailed run = strong.runDetailed(m, test);
            Proportion w = RobustAccuracy.of(run.combined(), DefenseMeasurements.EPS);
            DefenseMeasurements d = DefenseMeasurements.of(m, test);
            worst.put(m.name(), w);
            StringBuilder cost = new StringBuilder();
            for (WorstCaseOf.MemberRun r : run.members()) cost.append(r.attack().name()).append(' ').append(r.result().cost()).append("; ");
            AllureAttachments.parameter("strong ensemble, " + m.name(), w.summary() + " (" + cost + ")");
            AllureAttachments.parameter("clean / FGSM / PGD on the same sample, " + m.name(),
                    d.clean().summary() + "; " + d.fgsmAccuracy().summary() + "; " + d.pgdAccuracy().summary());
        }
        Proportion at = worst.get(pgdTrained.name()), base = worst.get(undefended.name());
        assertThatProportion(at).lowerBound().isAtLeast(PGD_AT_STRONG_LOWER);
        assertThatProportion(base).upperBound().isAtMost(UNDEFENDED_STRONG_UPPER);
        assertThatProportion(at).isClearlyAbove(base);
    }

    private static CurvePlot.Series fgsmCurve(String name, AttackResult sweep) {
        double[] eps = DefenseMeasurements.FGSM_SWEEP;
        return CurvePlot.Series.ofProportions(name, eps,
                java.util.Arrays.stream(eps).mapToObj(e -> RobustAccuracy.of(sweep, e)).toList());
    }
}
