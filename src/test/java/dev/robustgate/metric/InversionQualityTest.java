package dev.robustgate.metric;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.EvaluationCounter;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Inversion scores on three classes whose means and the victim's confidences are known by construction. */
class InversionQualityTest {
    // Class means: class 0 at (1, 0, 0, 0), class 1 at (0, 1, 0, 0), class 2 at (0, 0, 0.5, 0.5); class 2 has 2 images.
    private static final Dataset TRAIN = new Dataset("t", Split.TRAIN, Nd4j.createFromArray(new float[][]{
            {1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}}).reshape(4, 1, 2, 2),
            new int[]{0, 1, 2, 2}, List.of("a", "b", "c"), "t", "t");

    /** Confidence in class c of reconstruction c is 0.9, 0.6, 0.3. */
    private static final Classifier VICTIM = new Classifier() {
        private final EvaluationCounter counter = new EvaluationCounter();
        @Override public String name() { return "victim"; }
        @Override public long[] sampleShape() { return new long[]{1, 2, 2}; }
        @Override public int numClasses() { return 3; }
        @Override public EvaluationCounter counter() { return counter; }
        @Override public INDArray probabilities(INDArray inputs) {
            return Nd4j.createFromArray(new float[][]{{0.9f, 0.05f, 0.05f}, {0.2f, 0.6f, 0.2f}, {0.35f, 0.35f, 0.3f}});
        }
    };

    @Test
    void classMeansAverageEachClassesImages() {
        INDArray means = InversionQuality.classMeans(TRAIN);
        assertThat(means.toFloatMatrix()).isDeepEqualTo(new float[][]{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 0.5f, 0.5f}});
    }

    @Test
    void eachReconstructionIsScoredByConfidenceAndNearestMean() {
        // Reconstruction 0 near mean 0, 1 near mean 2 (wrong), 2 near mean 2.
        INDArray rec = Nd4j.createFromArray(new float[][]{{0.9f, 0.1f, 0, 0}, {0, 0.2f, 0.5f, 0.5f}, {0, 0, 0.6f, 0.4f}}).reshape(3, 1, 2, 2);
        InversionQuality q = InversionQuality.of("MI-Face", rec, VICTIM, TRAIN);
        assertThat(q.confidence()).containsExactly(new double[]{0.9, 0.6, 0.3}, within(1e-6));
        assertThat(q.nearestMean()).containsExactly(0, 2, 2);
        assertThat(q.ownMeanNearest().successes()).isEqualTo(2);
        assertThat(q.ownMeanNearest().trials()).isEqualTo(3);
        assertThat(q.ownMeanNearest().method()).isEqualTo("MI-Face");
        assertThat(q.meanConfidence()).isCloseTo(0.6, within(1e-6));
        assertThat(q.minConfidence()).isCloseTo(0.3, within(1e-6));
        assertThatThrownBy(() -> InversionQuality.of("MI-Face", rec.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 2)), VICTIM, TRAIN))
                .hasMessageContaining("one reconstruction per class (3), got 2");
    }

    @Test
    void manyReconstructionsAreScoredAgainstTheirTargetsAndByAnIndependentEvaluator() {
        // The victim's fixed answer has 3 rows: score the three reconstructions as classes 2, 1, 2.
        INDArray rec = Nd4j.createFromArray(new float[][]{{0.9f, 0.1f, 0, 0}, {0, 0.2f, 0.5f, 0.5f}, {0, 0, 0.6f, 0.4f}}).reshape(3, 1, 2, 2);
        int[] targets = {2, 1, 2};
        InversionQuality q = InversionQuality.of("MI-Face", rec, targets, VICTIM, TRAIN);
        assertThat(q.confidence()).containsExactly(new double[]{0.05, 0.6, 0.3}, within(1e-6));
        assertThat(q.ownMeanNearest().successes()).isEqualTo(1);   // only the third is nearest mean 2

        // The evaluator (here the same fixed answers) predicts 0, 1, 0: one of three on target.
        Proportion recognised = InversionQuality.evaluatorAccuracy("MI-Face", rec, targets, "victim", VICTIM);
        assertThat(recognised.successes()).isEqualTo(1);
        assertThat(recognised.trials()).isEqualTo(3);
        assertThat(recognised.metric()).isEqualTo("reconstructions recognised by victim");
        assertThatThrownBy(() -> InversionQuality.evaluatorAccuracy("m", rec, new int[]{0, 1}, "v", VICTIM))
                .hasMessageContaining("one target class per reconstruction (3), got 2");
        assertThatThrownBy(() -> InversionQuality.of("m", rec, new int[]{0, 1, 3}, VICTIM, TRAIN))
                .hasMessageContaining("target class 3 outside [0, 2]");
    }

    @Test
    void anEmptyClassHasAZeroMeanAndTiesGoToTheFirstMean() {
        Dataset twoOfThree = new Dataset("t", Split.TRAIN, Nd4j.createFromArray(new float[][]{{1, 0, 0, 0}, {0, 1, 0, 0}})
                .reshape(2, 1, 2, 2), new int[]{0, 1}, List.of("a", "b", "c"), "t", "t");
        assertThat(InversionQuality.classMeans(twoOfThree).toFloatMatrix()[2]).containsExactly(0f, 0f, 0f, 0f);
        // Reconstruction 2 lies as far from mean 0 as from mean 1 (and farther from the zero mean 2): the first wins.
        INDArray rec = Nd4j.createFromArray(new float[][]{{1, 0, 0, 0}, {0, 1, 0, 0}, {0.6f, 0.6f, 0, 0}}).reshape(3, 1, 2, 2);
        assertThat(InversionQuality.of("m", rec, VICTIM, twoOfThree).nearestMean()).containsExactly(0, 1, 0);
    }
}
