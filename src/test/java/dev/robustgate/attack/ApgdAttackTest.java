package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.junit.AttackResultAssert;
import dev.robustgate.model.Dl4jClassifier;
import dev.robustgate.model.EvaluationCounter.Counts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** APGD keeps the attack invariants in every loss and norm, counts its cost, and is at least as strong as PGD. */
class ApgdAttackTest {
    private static Dl4jClassifier model;
    private static Dataset data;

    @BeforeAll
    static void load() {
        model = TestModels.smallMlp();
        data = TestModels.fashionTest(16, 53);
    }

    static List<ApgdAttack> configs() {
        return List.of(
                ApgdAttack.linf().eps(0, 0.03, 0.1).steps(12),
                ApgdAttack.linf().loss(ApgdAttack.Loss.DLR).eps(0, 0.05).steps(12),
                ApgdAttack.linf().targetClasses(3).eps(0, 0.05).steps(10),
                ApgdAttack.l2().eps(0, 0.5, 1.5).steps(12).restarts(2),
                ApgdAttack.l2().targetClasses(2).eps(0, 1.0).steps(10),
                ApgdAttack.linf().eps(0, 0.05).steps(8).targeted(TargetSelection.random(3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void keepsTheAttackInvariants(ApgdAttack attack) {
        AttackResultAssert.invariantsOf(attack, model, data);
    }

    @Test
    void countsOneForwardPerStepAndTheLossesGradientEvaluations() {
        int steps = 10;
        Counts before = model.counter().snapshot();
        AttackResult ce = ApgdAttack.linf().eps(0.3).steps(steps).run(model, data);
        Counts cost = model.counter().snapshot().minus(before);
        EpsResult r = ce.single();
        assertThat(r.gradientEvaluations()).isEqualTo(cost.gradient());
        for (int i = 0; i < data.size(); i++) {
            assertThat(r.sample(i).gradientEvaluations()).isBetween(0, steps); // the start's and one per step but the last
        }
        before = model.counter().snapshot();
        EpsResult dlr = ApgdAttack.linf().loss(ApgdAttack.Loss.DLR).eps(0.3).steps(steps).run(model, data).single();
        assertThat(dlr.gradientEvaluations()).isEqualTo(model.counter().snapshot().minus(before).gradient());
        for (int i = 0; i < data.size(); i++) {
            // Three cross-entropy gradients per DLR gradient (y, best other, pi3): a multiple of 3, or 2 when classes merge.
            assertThat(dlr.sample(i).gradientEvaluations()).isBetween(0, 3 * steps);
        }
    }

    @Test
    void isAtLeastAsStrongAsPgdOnTheseSamples() {
        double eps = 0.05;
        EpsResult pgd = PgdAttack.linf().eps(eps).steps(20).run(model, data).single();
        EpsResult apgd = ApgdAttack.linf().eps(eps).steps(20).run(model, data).single();
        assertThat(apgd.robustCount()).isLessThanOrEqualTo(pgd.robustCount());
    }

    @Test
    void rejectsWhatItCannotDo() {
        assertThatThrownBy(() -> ApgdAttack.linf().steps(0)).hasMessageContaining("steps must be >= 1, got 0");
        assertThatThrownBy(() -> ApgdAttack.linf().rho(1.5)).hasMessageContaining("rho");
        assertThatThrownBy(() -> ApgdAttack.linf().targetClasses(3).targeted(TargetSelection.random(1)))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> ApgdAttack.linf().eotDraws(0)).hasMessageContaining("EOT draws");
    }

    @Test
    void describesItselfAsAutoAttackNamesIt() {
        assertThat(ApgdAttack.linf().eps(0.03).describe()).isEqualTo("APGD-CE-Linf(eps=0.03, 100 steps, seed 2024)");
        assertThat(ApgdAttack.l2().targetClasses(9).eps(0.5).name()).isEqualTo("APGD-T-L2");
    }
}
