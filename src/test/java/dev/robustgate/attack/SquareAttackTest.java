package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.Dl4jClassifier;
import dev.robustgate.model.EvaluationCounter;
import dev.robustgate.model.EvaluationCounter.Counts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SquareAttackTest {
    private static final int N = 16;
    private static Dl4jClassifier model;
    private static Dataset data;
    private static INDArray before;
    private static AttackResult sweep;

    /** Only probabilities: what a remote model offers. */
    record BlackBox(Dl4jClassifier inner) implements Classifier {
        @Override public String name() { return inner.name(); }
        @Override public long[] sampleShape() { return inner.sampleShape(); }
        @Override public int numClasses() { return inner.numClasses(); }
        @Override public INDArray probabilities(INDArray x) { return inner.probabilities(x); }
        @Override public EvaluationCounter counter() { return inner.counter(); }
    }

    @BeforeAll
    static void run() {
        model = TestModels.smallMlp();
        data = TestModels.fashionTest(N, 47);
        before = data.features().dup();
        sweep = SquareAttack.linf().eps(0.05, 0.15).queries(300).batchSize(10).run(model, data);
    }

    @Test
    void staysInTheBallAndTheBoxAndLeavesTheInputAlone() {
        InvariantChecks.inBallBoxAndHonest(sweep, data, model);
        assertThat(data.features()).isEqualTo(before);
        assertThat(sweep.at(0.15).maxDistance()).isGreaterThan(0.1);
    }

    @Test
    void epsZeroIsFreeAndTheSeedDecides() {
        InvariantChecks.epsZeroIsIdentityForFree(SquareAttack.linf().eps(0.0), model, data);
        // Same seed: identical, whatever the batch size. Another seed: other adversarials.
        InvariantChecks.sameResults(sweep, SquareAttack.linf().eps(0.05, 0.15).queries(300).batchSize(16).run(model, data));
        AttackResult other = SquareAttack.linf().eps(0.05, 0.15).queries(300).seed(7).run(model, data);
        assertThat(other.at(0.15).adversarial()).isNotEqualTo(sweep.at(0.15).adversarial());
    }

    @Test
    void itNeedsOnlyScoresAndCountsEveryQueryWithinTheBudget() {
        BlackBox box = new BlackBox(model);
        Counts start = model.counter().snapshot();
        AttackResult r = SquareAttack.linf().eps(0.15).queries(300).run(box, data);
        Counts cost = model.counter().snapshot().minus(start);
        assertThat(cost.gradient()).isZero();
        EpsResult e = r.single();
        assertThat(e.forwardEvaluations()).isEqualTo(cost.forward());
        // The clean pass plus at most the budget for each clean-correct sample.
        assertThat(cost.forward()).isLessThanOrEqualTo(N + 300L * e.cleanCorrectCount()).isGreaterThan(N);
        // A score-based attack on the black box decides exactly as on the white box (same seed, same scores).
        assertThat(e.predictions()).containsExactly(sweep.at(0.15).predictions());
    }

    @Test
    void withItsDefaultBudgetItIsAsStrongAsPgdOnAnUndefendedModel() {
        // Measured on these 16 images (11 clean-correct): PGD-40 leaves 0 robust at eps 0.15, Square with
        // 1000 queries 0 (1794 queries in all), with 300 queries 3. A black box needs more queries than
        // PGD needs gradients, but gets there.
        AttackResult r = SquareAttack.linf().eps(0.15).run(model, data);
        assertThat(SquareAttack.linf().queries()).isEqualTo(1000);
        assertThat(r.single().robustCount()).isLessThanOrEqualTo(1);
        assertThat(r.single().forwardEvaluations()).isLessThanOrEqualTo(N + 1000L * r.single().cleanCorrectCount());
        assertThat(sweep.at(0.05).robustCount()).isGreaterThanOrEqualTo(sweep.at(0.15).robustCount());
    }

    @Test
    void targetedItReachesTheTargetOrReportsFailure() {
        AttackResult r = SquareAttack.linf().eps(0.2).queries(200).targeted(TargetSelection.random(3)).run(model, data);
        InvariantChecks.inBallBoxAndHonest(r, data, model);
        // Every success it reports is the target itself (its strength is gated in AbsoluteStrengthTest: a floor on the
        // success rate over 58 samples, where "at least one success" passed with 1 in 11).
        EpsResult e = r.single();
        for (int i = 0; i < e.size(); i++) {
            if (e.success(i)) assertThat(e.sample(i).adversarialPrediction()).as("sample %d", i).isEqualTo(e.sample(i).target());
        }
    }

    @Test
    void badParametersAreRejectedWithTheValue() {
        assertThatThrownBy(() -> SquareAttack.linf().queries(0)).hasMessageContaining("got 0");
        assertThatThrownBy(() -> SquareAttack.linf().pInit(1.5)).hasMessageContaining("got 1.5");
        assertThatThrownBy(() -> SquareAttack.linf().eps(Double.NaN)).hasMessageContaining("NaN");
    }

    @Test
    void theWindowShrinksOnTheSchedule() {
        SquareAttack a = SquareAttack.linf().queries(10000);
        assertThat(a.windowSide(1, 28, 28)).isEqualTo(15); // sqrt(0.3 * 784) = 15.3
        assertThat(a.windowSide(100, 28, 28)).isEqualTo(8); // p / 4
        assertThat(a.windowSide(9000, 28, 28)).isEqualTo(1);
    }
}
