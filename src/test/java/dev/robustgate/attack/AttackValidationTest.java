package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.model.Dl4jClassifier;
import dev.robustgate.model.EvaluationCounter.Counts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Bad configurations and bad inputs are refused up front, with a message naming the offending value. */
class AttackValidationTest {
    private static Dl4jClassifier model;
    private static Dataset data;

    @BeforeAll
    static void setUp() {
        model = TestModels.untrained("mlp-16", 3);
        data = TestModels.synthetic(new long[]{8, 1, 28, 28}, 10, 4);
    }

    @ParameterizedTest
    @ValueSource(doubles = {-0.1, -1e-300, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
    void rejectsBadEps(double eps) {
        String expected = "got " + eps;
        assertThatThrownBy(() -> FgsmAttack.linf().eps(eps)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("eps").hasMessageContaining(expected);
        assertThatThrownBy(() -> FgsmAttack.l2().eps(0.1, eps)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected);
        assertThatThrownBy(() -> PgdAttack.linf().eps(eps)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected);
        assertThatThrownBy(() -> PgdAttack.l2().steps(3).eps(0.5, eps, 1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected);
    }

    @Test
    void rejectsAnEmptyEpsList() {
        assertThatThrownBy(() -> FgsmAttack.linf().eps()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one eps");
        assertThatThrownBy(() -> PgdAttack.linf().eps()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one eps");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -1, -40})
    void rejectsStepsBelowOne(int steps) {
        assertThatThrownBy(() -> PgdAttack.linf().steps(steps)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("steps").hasMessageContaining("got " + steps);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -0.01, Double.NaN, Double.POSITIVE_INFINITY})
    void rejectsBadStepSizes(double a) {
        assertThatThrownBy(() -> PgdAttack.linf().stepSize(a)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("step size").hasMessageContaining("got " + a);
    }

    @Test
    void rejectsRestartsThatWouldRepeatTheSameRun() {
        assertThatThrownBy(() -> PgdAttack.linf().randomStart(false).restarts(3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("restarts = 3")
                .hasMessageContaining("random start");
        assertThatThrownBy(() -> PgdAttack.linf().restarts(2).randomStart(false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("restarts = 2");
        assertThatThrownBy(() -> PgdAttack.linf().restarts(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
        assertThat(PgdAttack.linf().randomStart(false).restarts(1).restarts()).isEqualTo(1);
        assertThat(PgdAttack.linf().restarts(4).restarts()).isEqualTo(4);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, -5})
    void rejectsBatchSizesBelowOne(int b) {
        assertThatThrownBy(() -> FgsmAttack.linf().batchSize(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("batch size").hasMessageContaining("got " + b);
        assertThatThrownBy(() -> PgdAttack.l2().batchSize(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got " + b);
    }

    @Test
    void rejectsMissingNormAndTargets() {
        assertThatThrownBy(() -> FgsmAttack.linf().targeted(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("untargeted()");
        assertThatThrownBy(() -> new AttackSettings(null, List.of(0.1), TargetSelection.untargeted(), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("norm");
        assertThatThrownBy(() -> Norm.parse("l1")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'l1'");
        assertThat(Norm.parse(" LInf ")).isEqualTo(Norm.LINF);
        assertThat(Norm.parse("l2")).isEqualTo(Norm.L2);
    }

    /** Each bad dataset is refused by both attacks before any gradient is computed. */
    private static void assertRefused(Dataset bad, String... fragments) {
        for (Supplier<Attack> a : List.<Supplier<Attack>>of(() -> FgsmAttack.linf().eps(0.1), () -> PgdAttack.l2().steps(2).eps(1.0))) {
            Counts before = model.counter().snapshot();
            var thrown = assertThatThrownBy(() -> a.get().run(model, bad)).isInstanceOf(IllegalArgumentException.class);
            for (String f : fragments) thrown.hasMessageContaining(f);
            assertThat(model.counter().snapshot().minus(before).gradient()).isZero();
        }
    }

    @Test
    void rejectsADatasetOfTheWrongSampleShape() {
        assertRefused(TestModels.synthetic(new long[]{8, 1, 14, 14}, 10, 5), "[8, 1, 14, 14]", "[N, 1, 28, 28]");
        assertRefused(TestModels.synthetic(new long[]{8, 784}, 10, 5), "[8, 784]");
    }

    @Test
    void rejectsPixelsOutsideTheBox() {
        INDArray above = data.features().dup();
        above.putScalar(new long[]{3, 0, 10, 10}, 1.5f);
        assertRefused(TestModels.withFeatures(data, above), "1.5", "[0.0, 1.0]");
        INDArray below = data.features().dup();
        below.putScalar(new long[]{0, 0, 0, 0}, -0.25f);
        assertRefused(TestModels.withFeatures(data, below), "-0.25");
        INDArray scaled = data.features().mul(255);
        assertRefused(TestModels.withFeatures(data, scaled), "outside the box");
    }

    @Test
    void rejectsNanAndInfinitePixels() {
        INDArray nan = data.features().dup();
        nan.putScalar(new long[]{5, 0, 1, 2}, Float.NaN);
        assertRefused(TestModels.withFeatures(data, nan), "NaN");
        INDArray inf = data.features().dup();
        inf.putScalar(new long[]{5, 0, 1, 2}, Float.POSITIVE_INFINITY);
        assertRefused(TestModels.withFeatures(data, inf), "infinite");
    }

    @Test
    void rejectsADatasetWithAnotherNumberOfClasses() {
        Dataset five = TestModels.synthetic(new long[]{8, 1, 28, 28}, 5, 6);
        assertRefused(five, "5 classes", "predicts 10");
    }

    @Test
    void rejectsAnEmptyDataset() {
        Dataset empty = new Dataset("empty", Split.TEST, Nd4j.create(DataType.FLOAT, 0, 1, 28, 28), new int[0],
                data.classNames(), "empty", "empty");
        assertRefused(empty, "empty");
    }

    @Test
    void rejectsGivenTargetsThatDoNotFitTheData() {
        assertThatThrownBy(() -> FgsmAttack.linf().eps(0.1).targeted(TargetSelection.given(1, 2, 3)).run(model, data))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given 3 targets for 8 samples");
        int[] t = {0, 1, 2, 3, 4, 5, 6, 10};
        assertThatThrownBy(() -> PgdAttack.linf().eps(0.1).targeted(TargetSelection.given(t)).run(model, data))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target 10 at index 7")
                .hasMessageContaining("[0, 9]");
        int[] neg = {0, 1, 2, -1, 4, 5, 6, 7};
        assertThatThrownBy(() -> PgdAttack.linf().eps(0.1).targeted(TargetSelection.given(neg)).run(model, data))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("target -1 at index 3");
    }

    @Test
    void aGivenTargetEqualToTheLabelIsRejected() {
        int[] own = data.labels();
        assertThatThrownBy(() -> FgsmAttack.linf().eps(0.1).targeted(TargetSelection.given(own)).run(model, data))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("target " + own[0] + " at index 0 is the sample's own label");
    }

    @Test
    void givenTargetsAreCopied() {
        int[] t = {1, 2, 3, 4, 5, 6, 7, 8};
        FgsmAttack a = FgsmAttack.linf().eps(0.01).targeted(TargetSelection.given(t));
        t[0] = 42;
        assertThat(a.run(model, data).single().sample(0).target()).isEqualTo(1);
    }

    @Test
    void describesItsParameters() {
        PgdAttack p = PgdAttack.linf().eps(0.1).steps(20).stepSize(0.01).seed(7);
        assertThat(p.describe()).isEqualTo("PGD-Linf(eps=0.1, 20x0.01, random start, seed 7)");
        assertThat(PgdAttack.l2().eps(0.5, 1.0).targeted(TargetSelection.leastLikely()).restarts(3).describeAt(1.0))
                .isEqualTo("PGD-L2(least-likely target, eps=1.0, 40x2.5eps/40, random start, 3 restarts, seed 2024)");
        assertThat(p.parameters()).containsEntry("steps", "20").containsEntry("seed", "7").containsEntry("targets", "untargeted");
        assertThat(FgsmAttack.linf().eps(0.1, 0.2).describe()).isEqualTo("FGSM-Linf(eps [0.1, 0.2])");
        assertThat(FgsmAttack.l2().eps(1.0).describeAt(1.0)).isEqualTo("FGM-L2(eps=1.0)");
    }
}
