package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.model.Dl4jClassifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CarliniWagnerL2AttackTest {
    private static final int N = 10;
    private static Dl4jClassifier model;
    private static Dataset data;
    private static INDArray before;
    private static AttackResult untargeted;
    private static AttackResult targeted;

    @BeforeAll
    static void run() {
        model = TestModels.smallMlp();
        data = TestModels.fashionTest(N, 43);
        before = data.features().dup();
        untargeted = CarliniWagnerL2Attack.create().eps(0.5, 1.0, Double.MAX_VALUE).run(model, data);
        // Fewer, shorter binary steps than the default keep the targeted run CI-sized.
        targeted = CarliniWagnerL2Attack.create().binarySearchSteps(4).steps(50).targeted(TargetSelection.random(3))
                .eps(1.0, Double.MAX_VALUE).batchSize(7).run(model, data);
    }

    @Test
    void staysInTheBallAndTheBoxAndLeavesTheInputAlone() {
        InvariantChecks.inBallBoxAndHonest(untargeted, data, model);
        InvariantChecks.inBallBoxAndHonest(targeted, data, model);
        assertThat(data.features()).isEqualTo(before);
    }

    @Test
    void epsZeroIsFreeAndRunsAreDeterministic() {
        InvariantChecks.epsZeroIsIdentityForFree(CarliniWagnerL2Attack.create().eps(0.0), model, data);
        CarliniWagnerL2Attack cheap = CarliniWagnerL2Attack.create().binarySearchSteps(2).steps(20)
                .targeted(TargetSelection.random(3)).eps(1.0, Double.MAX_VALUE);
        InvariantChecks.sameResults(cheap.batchSize(7).run(model, data), cheap.batchSize(16).run(model, data));
    }

    @Test
    void unboundedItSucceedsOnEveryCleanCorrectSampleTargetedOrNot() {
        EpsResult u = untargeted.at(Double.MAX_VALUE);
        assertThat(u.successOnCleanCorrect()).isEqualTo(u.cleanCorrectCount());
        EpsResult t = targeted.at(Double.MAX_VALUE);
        assertThat(t.successOnCleanCorrect()).isEqualTo(t.cleanCorrectCount());
    }

    @Test
    void confidenceBuysMargin() {
        AttackResult strong = CarliniWagnerL2Attack.create().binarySearchSteps(4).steps(50).confidence(5)
                .eps(Double.MAX_VALUE).run(model, data);
        INDArray logits = model.logits(strong.single().adversarial());
        int checked = 0;
        for (int i = 0; i < N; i++) {
            if (!strong.single().success(i) || strong.cleanPredictions()[i] != data.label(i)) continue;
            checked++;
            double label = logits.getDouble(i, data.label(i));
            double maxOther = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < 10; c++) if (c != data.label(i)) maxOther = Math.max(maxOther, logits.getDouble(i, c));
            assertThat(maxOther - label).as("sample %d margin", i).isGreaterThanOrEqualTo(5 - 1e-3);
        }
        assertThat(checked).isPositive();
    }

    @Test
    void scoredInLinfItCountsOnlyAdversarialsInsideTheLinfBall() {
        AttackResult linf = CarliniWagnerL2Attack.create().binarySearchSteps(2).steps(30).threatNorm(Norm.LINF).eps(0.1, 0.3).run(model, data);
        InvariantChecks.inBallBoxAndHonest(linf, data, model);
        assertThat(linf.norm()).isEqualTo(Norm.LINF);
        assertThat(linf.description()).contains("scored in Linf");
    }

    @Test
    void badParametersAreRejectedWithTheValue() {
        assertThatThrownBy(() -> CarliniWagnerL2Attack.create().steps(0)).hasMessageContaining("got 0");
        assertThatThrownBy(() -> CarliniWagnerL2Attack.create().binarySearchSteps(0)).hasMessageContaining("got 0");
        assertThatThrownBy(() -> CarliniWagnerL2Attack.create().confidence(-1)).hasMessageContaining("got -1.0");
        assertThatThrownBy(() -> CarliniWagnerL2Attack.create().learningRate(Double.NaN)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> CarliniWagnerL2Attack.create().initialConst(0)).hasMessageContaining("got 0.0");
    }
}
