package dev.robustgate.metric;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.Norm;
import dev.robustgate.attack.SyntheticResults;
import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.EvaluationCounter;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The metrics that count: robust accuracy, success rate, clean accuracy, agreement and the
 * minimal-perturbation statistics, on hand-made results whose every count is known (the gaps
 * mutation testing found: metric classes were tested only through whole attacks elsewhere).
 */
class CountedMetricsTest {
    // Five samples: 0-3 correctly classified, 4 not; the attack breaks 1 and 3 at eps 0.1, 1 2 3 at eps 0.2.
    private static final int[] LABELS = {0, 1, 2, 3, 4};
    private static final int[] CLEAN = {0, 1, 2, 3, 9};
    private static final AttackResult SWEEP = SyntheticResults.of(LABELS, CLEAN, null, new double[]{0.1, 0.2},
            new int[][]{{0, 7, 2, 7, 9}, {0, 7, 7, 7, 9}},
            new boolean[][]{{false, true, false, true, true}, {false, true, true, true, true}});

    @Test
    void robustAccuracyCountsEverySampleStillCorrect() {
        Proportion at01 = RobustAccuracy.of(SWEEP, 0.1);
        assertThat(at01.successes()).isEqualTo(2);
        assertThat(at01.trials()).isEqualTo(5);
        assertThat(at01.metric()).isEqualTo("robust accuracy");
        assertThat(at01.subject()).isEqualTo("victim-x");
        assertThat(at01.method()).isEqualTo("Synthetic(eps=0.1)");
        assertThat(RobustAccuracy.of(SWEEP, 0.2).successes()).isEqualTo(1);
        AttackResult one = SyntheticResults.of(LABELS, CLEAN, null, new double[]{0.3}, new int[][]{{0, 1, 7, 3, 9}},
                new boolean[][]{{false, false, true, false, true}});
        assertThat(RobustAccuracy.of(one).successes()).isEqualTo(3);
        assertThatThrownBy(() -> RobustAccuracy.of(SWEEP)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void successRateLeavesTheMisclassifiedOut() {
        Proportion s = SuccessRate.of(SWEEP, 0.1);
        assertThat(s.successes()).isEqualTo(2);
        assertThat(s.trials()).isEqualTo(4);
        assertThat(s.metric()).isEqualTo("attack success rate");
        assertThat(SuccessRate.of(SWEEP, 0.2).successes()).isEqualTo(3);
        AttackResult allWrong = SyntheticResults.of(new int[]{0, 1}, new int[]{1, 0}, null, new double[]{0.1},
                new int[][]{{1, 0}}, new boolean[][]{{true, true}});
        assertThatThrownBy(() -> SuccessRate.of(allWrong)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("classifies none of the 2 samples correctly");
    }

    @Test
    void cleanAccuracyFromAResultFromPredictionsAndFromAModelInBatches() {
        Proportion fromResult = CleanAccuracy.of(SWEEP);
        assertThat(fromResult.successes()).isEqualTo(4);
        assertThat(fromResult.trials()).isEqualTo(5);
        Dataset data = dataset(1203);
        int[] predictions = data.labels().clone();
        predictions[0] = (predictions[0] + 1) % 10;
        predictions[1202] = (predictions[1202] + 1) % 10;
        assertThat(CleanAccuracy.of("m", predictions, data).successes()).isEqualTo(1201);
        assertThatThrownBy(() -> CleanAccuracy.of("m", new int[3], data)).hasMessageContaining("3 predictions of m for 1203 samples");
        // A model that answers label+1 on the first sample of every batch of 500: 3 batches, 3 wrong.
        LabelReader model = new LabelReader();
        Proportion acc = CleanAccuracy.of(model, data);
        assertThat(model.batchSizes).containsExactly(500, 500, 203);
        assertThat(acc.successes()).isEqualTo(1200);
        assertThat(acc.subject()).isEqualTo("label-reader");
        LabelReader exact = new LabelReader();
        CleanAccuracy.of(exact, dataset(1000));
        assertThat(exact.batchSizes).as("no empty batch after a whole number of batches").containsExactly(500, 500);
    }

    @Test
    void agreementCountsEqualPredictions() {
        Proportion a = Agreement.of("copy", new int[]{1, 2, 3, 4}, "original", new int[]{1, 2, 0, 4});
        assertThat(a.successes()).isEqualTo(3);
        assertThat(a.trials()).isEqualTo(4);
        assertThat(a.metric()).isEqualTo("agreement with original");
        assertThat(a.subject()).isEqualTo("copy");
        assertThatThrownBy(() -> Agreement.of("copy", new int[2], "original", new int[3])).hasMessageContaining("2 predictions of copy against 3 of original");
        Dataset data = dataset(600);
        Proportion models = Agreement.of(new LabelReader(), new LabelReader(), data);
        assertThat(models.successes()).isEqualTo(600);
    }

    // Six samples: 0 misclassified; 1-4 broken at L2 distances 0.5, 0.2, 0.8, 0.2; 5 not broken. Inputs' L2 norms:
    // sample 1 has norm 2 (rho 0.25), 2 has norm 1 (0.2), 3 has norm 4 (0.2), 4 is all zero (left out of rho).
    private static MinimalPerturbation minimal() {
        float[][] x = {{1, 0, 0, 0}, {2, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 4, 0}, {0, 0, 0, 0}, {1, 1, 1, 1}};
        AttackResult r = SyntheticResults.withDistances(new int[]{0, 1, 2, 3, 4, 5}, new int[]{9, 1, 2, 3, 4, 5}, 1.0,
                new boolean[]{false, true, true, true, true, false}, new double[]{0, 0.5, 0.2, 0.8, 0.2, 0.0}, x, Norm.L2);
        return MinimalPerturbation.of(r);
    }

    @Test
    void minimalDistancesAreZeroForTheMisclassifiedAndInfiniteWhenNoneWasFound() {
        MinimalPerturbation mp = minimal();
        assertThat(mp.distances()).containsExactly(0, 0.5, 0.2, 0.8, 0.2, Double.POSITIVE_INFINITY);
        assertThat(mp.notFound()).isEqualTo(1);
        assertThat(mp.foundDistances()).containsExactly(0.2, 0.2, 0.5, 0.8);
        assertThat(mp.medianDistance()).isCloseTo(0.35, within(1e-12));
        assertThat(mp.searchedEps()).isEqualTo(1.0);
        assertThat(mp.norm()).isEqualTo(Norm.L2);
        // (0.25 + 0.2 + 0.2) / 3; sample 4's zero input has no relative distance.
        assertThat(mp.empiricalRobustness()).isCloseTo(0.65 / 3, within(1e-9));
        assertThat(mp.toString()).contains("median L2 distance 0.3500").contains("rho_adv 0.2167").contains("1 of 6 without adversarial");
    }

    @Test
    void robustAccuracyAtEpsCountsDistancesStrictlyAbove() {
        MinimalPerturbation mp = minimal();
        assertThat(mp.robustAccuracyAt(0.0).successes()).isEqualTo(5);   // all but the misclassified
        assertThat(mp.robustAccuracyAt(0.2).successes()).isEqualTo(3);   // 0.2 itself is broken
        assertThat(mp.robustAccuracyAt(0.5).successes()).isEqualTo(2);
        assertThat(mp.robustAccuracyAt(1.0).successes()).isEqualTo(1);
        assertThat(mp.curve(0.1, 0.3, 0.9)).extracting(Proportion::successes).containsExactly(5L, 3L, 1L);
        assertThat(mp.robustAccuracyAt(0.5).method()).isEqualTo("Minimal minimal perturbation <= 0.5");
        assertThatThrownBy(() -> mp.robustAccuracyAt(-0.1)).hasMessageContaining("eps must be in [0, 1.0]");
        assertThatThrownBy(() -> mp.robustAccuracyAt(Double.NaN)).hasMessageContaining("got NaN");
        assertThatThrownBy(() -> mp.robustAccuracyAt(Math.nextUp(1.0))).hasMessageContaining("eps must be in");
    }

    @Test
    void withNothingFoundTheMedianAndRhoAreUndefined() {
        AttackResult none = SyntheticResults.withDistances(new int[]{0, 1}, new int[]{0, 1}, 1.0, new boolean[]{false, false},
                new double[]{0, 0}, new float[][]{{1, 0, 0, 0}, {0, 1, 0, 0}}, Norm.L2);
        MinimalPerturbation mp = MinimalPerturbation.of(none);
        assertThat(mp.medianDistance()).isNaN();
        assertThat(mp.empiricalRobustness()).isNaN();
        assertThat(mp.notFound()).isEqualTo(2);
        AttackResult odd = SyntheticResults.withDistances(new int[]{0, 1, 2}, new int[]{0, 1, 2}, 1.0, new boolean[]{true, true, true},
                new double[]{0.3, 0.1, 0.2}, new float[][]{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}}, Norm.L2);
        assertThat(MinimalPerturbation.of(odd).medianDistance()).isEqualTo(0.2);
    }

    private static Dataset dataset(int n) {
        int[] labels = new int[n];
        float[][] x = new float[n][4];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            x[i][0] = labels[i] / 10f;   // the label, readable from the input
        }
        List<String> classes = new ArrayList<>();
        for (int k = 0; k < 10; k++) classes.add("c" + k);
        return new Dataset("synthetic", Split.TEST, Nd4j.createFromArray(x).reshape(n, 1, 2, 2), labels, classes, "synthetic", "synthetic");
    }

    /** Reads the label from the first pixel; gets the first sample of every batch wrong; records batch sizes. */
    private static final class LabelReader implements Classifier {
        final List<Integer> batchSizes = new ArrayList<>();
        private final EvaluationCounter counter = new EvaluationCounter();

        @Override public String name() { return "label-reader"; }
        @Override public long[] sampleShape() { return new long[]{1, 2, 2}; }
        @Override public int numClasses() { return 10; }
        @Override public EvaluationCounter counter() { return counter; }

        @Override
        public INDArray probabilities(INDArray inputs) {
            int m = (int) inputs.size(0);
            batchSizes.add(m);
            INDArray p = Nd4j.zeros(DataType.FLOAT, m, 10);
            for (int i = 0; i < m; i++) {
                int label = Math.round(inputs.getFloat(i, 0, 0, 0) * 10);
                p.putScalar(i, i == 0 ? (label + 1) % 10 : label, 1f);
            }
            return p;
        }
    }
}
