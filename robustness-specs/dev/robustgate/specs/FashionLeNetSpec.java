package dev.robustgate.specs;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.FgsmAttack;
import dev.robustgate.attack.PgdAttack;
import dev.robustgate.data.Dataset;
import dev.robustgate.junit.RobustnessSpec;
import dev.robustgate.junit.Samples;
import dev.robustgate.junit.Victim;
import dev.robustgate.metric.CleanAccuracy;
import dev.robustgate.metric.RobustAccuracy;
import dev.robustgate.model.DifferentiableClassifier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static dev.robustgate.junit.RobustnessAssertions.assertThatProportion;
import static dev.robustgate.junit.RobustnessAssertions.assertThatRobustness;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The release gate of the undefended fashion-lenet: "a release must not be less accurate or less
 * robust than the one we measured". Thresholds sit a little below the lower ends of the 95%
 * intervals measured on 2026-11-22 with {@code ./robustgate gate} (1000 test images, sample
 * seed 7, victim seed 12345), so that retraining noise passes and a real loss of robustness does not:
 * <pre>
 *   clean accuracy                                 0.902 [0.882, 0.920]   gate: lower bound >= 0.86
 *   FGSM-Linf eps=0.1                              0.199 [0.175, 0.225]   gate: lower bound >= 0.15
 *   PGD-Linf eps=0.1, 40 x 0.01, random start      0.035 [0.024, 0.048]   gate: lower bound >= 0.015
 * </pre>
 * Each floor has a strength control on the same samples (an upper bound on the same number, and PGD
 * clearly below FGSM), so that a broken attack cannot pass it: with the attack replaced by a no-op
 * or by random noise of the same eps (BrokenAttackSubstitutionTest) both tests fail.
 * The PyTorch reference's LeNet (same architecture and recipe, other initialisation) measures
 * 0.221 under FGSM and 0.111 under PGD on all 10k images: DL4J's training run gives a model as
 * FGSM-robust but less PGD-robust. On the reference's own weights RobustGate's attacks reproduce
 * PyTorch's numbers (see the issue notes), so the difference is the model's, not the attack's.
 * An undefended model is not robust: these gates guard against getting worse, not for safety.
 */
@RobustnessSpec
@DisplayName("fashion-lenet release gate")
class FashionLeNetSpec {
    private static final int SAMPLES = 1000;
    private static final long SAMPLE_SEED = 7;
    /** Upper ends of the strength controls, a little above the measured upper ends (0.225 and 0.048). */
    static final double FGSM_CONTROL_UPPER = 0.27, PGD_CONTROL_UPPER = 0.08;

    @Test
    @DisplayName("clean accuracy")
    void cleanAccuracy(@Victim("fashion-lenet") DifferentiableClassifier model,
                       @Samples(value = SAMPLES, seed = SAMPLE_SEED) Dataset test) {
        assertThatProportion(CleanAccuracy.of(model, test)).lowerBound().isAtLeast(0.86);
    }

    @Test
    @DisplayName("FGSM-Linf sweep; gate at eps = 0.1")
    void resistsFgsm(@Victim("fashion-lenet") DifferentiableClassifier model,
                     @Samples(value = SAMPLES, seed = SAMPLE_SEED) Dataset test) {
        AttackResult sweep = FgsmAttack.linf().eps(0.0, 0.01, 0.02, 0.05, 0.1, 0.2).run(model, test);
        assertThatRobustness(sweep).atEps(0.0).robustAccuracy().lowerBound().isAtLeast(0.86);
        assertThatRobustness(sweep).atEps(0.1).robustAccuracy().lowerBound().isAtLeast(0.15);
        // Strength control on the same samples: the floor above passes more easily when FGSM gets weaker, so FGSM
        // must also still work. Measured 0.199 [0.175, 0.225] at eps 0.1; an attack that returns its input scores
        // the clean 0.90, random sign noise of the same eps about the clean accuracy too.
        assertThatRobustness(sweep).atEps(0.1).robustAccuracy().upperBound().isAtMost(FGSM_CONTROL_UPPER);
    }

    @Test
    @DisplayName("PGD-Linf eps = 0.1 (40 x 0.01, random start)")
    void resistsPgd(@Victim("fashion-lenet") DifferentiableClassifier model,
                    @Samples(value = SAMPLES, seed = SAMPLE_SEED) Dataset test) {
        AttackResult pgd = PgdAttack.linf().eps(0.1).steps(40).stepSize(0.01).randomStart(true).seed(2024).run(model, test);
        assertThatRobustness(pgd).robustAccuracy().lowerBound().isAtLeast(0.015);
        // Strength control: measured 0.035 [0.024, 0.048]; a PGD broken into a no-op or noise stays near 0.9.
        assertThatRobustness(pgd).robustAccuracy().upperBound().isAtMost(PGD_CONTROL_UPPER);
        // PGD starts where FGSM stops; were it weaker, the gradient would be lying (or the attack broken). Clearly
        // stronger, not merely no weaker: a no-op PGD and a no-op FGSM tie.
        AttackResult fgsm = FgsmAttack.linf().eps(0.1).run(model, test);
        assertThatProportion(RobustAccuracy.of(pgd)).isClearlyBelow(RobustAccuracy.of(fgsm));
    }
}
