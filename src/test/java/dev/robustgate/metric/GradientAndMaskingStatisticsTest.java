package dev.robustgate.metric;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.EvaluationCounter;
import org.apache.commons.math3.distribution.TDistribution;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The statistics the masking checks and the distillation spec read, on given per-sample numbers:
 * what counts as zero, non-finite or vanishing, which samples the statistics are over, and what
 * the reports say (found untested by mutation testing: only whole models exercised them).
 */
class GradientAndMaskingStatisticsTest {
    @Test
    void gradientStatisticsCountZeroAndNonFiniteAndTakeTheUpperMedianOfTheFinite() {
        GradientStatistics g = GradientStatistics.ofNorms("m", new double[]{0.0, Double.NaN, 3.0, 1.0, 0.0, 2.0});
        assertThat(g.samples()).isEqualTo(6);
        assertThat(g.zero()).isEqualTo(2);
        assertThat(g.nonFinite()).isEqualTo(1);
        // finite, sorted: 0 0 1 2 3 -> the middle one
        assertThat(g.medianL1Norm()).isEqualTo(1.0);
        assertThat(g.zeroFraction().successes()).isEqualTo(2);
        assertThat(g.nonFiniteFraction().successes()).isEqualTo(1);
        assertThat(g.uselessFraction().successes()).isEqualTo(3);
        assertThat(g.uselessFraction().trials()).isEqualTo(6);
        assertThat(g.toString()).isEqualTo("m: 2 of 6 input gradients zero, 1 not finite, median L1 norm 1.00");
        assertThat(GradientStatistics.ofNorms("m", new double[]{1.0, 4.0}).medianL1Norm()).isEqualTo(4.0);
        assertThat(GradientStatistics.ofNorms("m", new double[]{Double.NaN}).medianL1Norm()).isNaN();
        assertThatThrownBy(() -> GradientStatistics.ofNorms("m", new double[0])).hasMessageContaining("at least one sample");
    }

    @Test
    void inputGradientNormsAreOverTheCorrectlyClassifiedOnly() {
        // Correct: 0.0, 2e-9 (both vanishing), 1.0, 3.0; the misclassified 100 must not move any statistic.
        InputGradientNorms n = new InputGradientNorms("m", new double[]{0.0, 2e-9, 1.0, 100.0, 3.0},
                new boolean[]{true, true, true, false, true});
        assertThat(n.samples()).isEqualTo(4);
        assertThat(n.mean()).isCloseTo((0 + 2e-9 + 1 + 3) / 4, within(1e-12));
        assertThat(n.median()).isCloseTo((2e-9 + 1.0) / 2, within(1e-12));
        assertThat(n.vanished().successes()).isEqualTo(2);
        assertThat(n.vanished().trials()).isEqualTo(4);
        double[] ci = n.meanInterval(0.95);
        double sd = new org.apache.commons.math3.stat.descriptive.SummaryStatistics() {{
            addValue(0.0); addValue(2e-9); addValue(1.0); addValue(3.0);
        }}.getStandardDeviation();
        double half = new TDistribution(null, 3).inverseCumulativeProbability(0.975) * sd / 2;
        assertThat(ci[0]).isEqualTo(Math.max(0, n.mean() - half));
        assertThat(ci[1]).isCloseTo(n.mean() + half, within(1e-12));
        assertThat(ci[0]).as("clipped at 0: half-width %s exceeds the mean %s", half, n.mean()).isZero();
        assertThat(n.summary()).startsWith("input-gradient L2 norm of m over its 4 correctly classified samples: mean 1.00 [0.00, ")
                .endsWith("median 0.500");
        InputGradientNorms odd = new InputGradientNorms("m", new double[]{5.0, 1.0, 3.0}, new boolean[]{true, true, true});
        assertThat(odd.median()).isEqualTo(3.0);
        double[] narrow = new InputGradientNorms("m", new double[]{10.0, 10.5, 9.5, 10.0}, new boolean[]{true, true, true, true})
                .meanInterval(0.95);
        assertThat(narrow[0]).isGreaterThan(9.0).isLessThan(10.0);
        InputGradientNorms one = new InputGradientNorms("m", new double[]{2.0, 7.0}, new boolean[]{false, true});
        assertThat(one.meanInterval(0.95)).containsExactly(7.0, 7.0);
        InputGradientNorms none = new InputGradientNorms("m", new double[]{2.0}, new boolean[]{false});
        assertThat(none.median()).isNaN();
        assertThat(none.vanished().trials()).isEqualTo(1);
        assertThatThrownBy(() -> new InputGradientNorms("m", new double[2], new boolean[3])).hasMessageContaining("2 norms but 3");
    }

    @Test
    void aMaskingReportIsSuspectedWhenAnyCheckFlagsAndNamesTheFlags() {
        GradientStatistics g = GradientStatistics.ofNorms("m", new double[]{1.0});
        MaskingReport clean = new MaskingReport("m", "setup", List.of(new MaskingCheck("a", false, "fine"), new MaskingCheck("b", false, "fine")), g);
        assertThat(clean.suspected()).isFalse();
        assertThat(clean.flags()).isEmpty();
        assertThat(clean.flagged("a")).isFalse();
        assertThat(clean.summary()).isEqualTo("no sign of gradient masking on m (2 checks, setup)");
        MaskingReport flagged = new MaskingReport("m", "setup",
                List.of(new MaskingCheck("a", true, "why a"), new MaskingCheck("b", false, "fine"), new MaskingCheck("c", true, "why c")), g);
        assertThat(flagged.suspected()).isTrue();
        assertThat(flagged.flags()).extracting(MaskingCheck::name).containsExactly("a", "c");
        assertThat(flagged.flagged("a")).isTrue();
        assertThat(flagged.flagged("b")).isFalse();
        assertThat(flagged.flagged("z")).isFalse();
        assertThat(flagged.summary()).isEqualTo(MaskingReport.CATEGORY + " on m: a (why a); c (why c)");
        assertThat(flagged.toString()).startsWith(flagged.summary() + "\n  ").contains("why c").hasLineCount(4);
    }

    @Test
    void vanishingCountsOnlyCorrectSamplesStrictlyBelowTheThreshold() {
        InputGradientNorms n = new InputGradientNorms("m", new double[]{InputGradientNorms.VANISHING, 0.0, 5.0},
                new boolean[]{true, false, true});
        assertThat(n.vanished().successes()).isZero();
        assertThat(n.vanished().trials()).isEqualTo(2);
        // Two samples are enough for a t interval (one degree of freedom).
        double[] ci = new InputGradientNorms("m", new double[]{1.0, 3.0}, new boolean[]{true, true}).meanInterval(0.95);
        assertThat(ci[1]).isGreaterThan(3.0);
    }

    @Test
    void intervalsAndChecksAtTheirLimits() {
        ConfidenceInterval point = new ConfidenceInterval(0.5, 0.5, 0.95);
        assertThat(point.contains(0.5)).isTrue();
        assertThatThrownBy(() -> new ConfidenceInterval(0.2, 0.3, 0.0)).hasMessageContaining("level must be in (0, 1), got 0.0");
        assertThatThrownBy(() -> new ConfidenceInterval(0.2, 0.3, 1.0)).hasMessageContaining("got 1.0");
        assertThat(ConfidenceInterval.clopperPearson(0, 5, 0.95).lower()).isZero();
        assertThat(ConfidenceInterval.clopperPearson(5, 5, 0.95).upper()).isEqualTo(1.0);
        assertThatThrownBy(() -> ConfidenceInterval.clopperPearson(-1, 5, 0.95)).hasMessageContaining("got -1");
        assertThatThrownBy(() -> ConfidenceInterval.clopperPearson(6, 5, 0.95)).hasMessageContaining("got 6");
        assertThat(new MaskingCheck("a", true, "why").toString()).isEqualTo("SUSPECTED a: why");
        assertThat(new MaskingCheck("b", false, "fine").toString()).isEqualTo("ok b: fine");
    }

    /** Gradients chosen per label: label 0 gives zeros, label 9 a NaN, label l otherwise l in every pixel. */
    private static final DifferentiableClassifier BY_LABEL = new DifferentiableClassifier() {
        private final EvaluationCounter counter = new EvaluationCounter();
        @Override public String name() { return "by-label"; }
        @Override public long[] sampleShape() { return new long[]{1, 2, 2}; }
        @Override public int numClasses() { return 10; }
        @Override public EvaluationCounter counter() { return counter; }
        @Override public INDArray logits(INDArray x) { return probabilities(x); }
        @Override public INDArray probabilities(INDArray x) {
            int m = (int) x.size(0);
            INDArray p = Nd4j.zeros(DataType.FLOAT, m, 10);
            for (int i = 0; i < m; i++) p.putScalar(i, Math.round(x.getFloat(i, 0, 0, 0) * 10), 1f);   // reads the label
            return p;
        }
        @Override public INDArray lossGradient(INDArray x, int[] labels) {
            INDArray g = Nd4j.zeros(DataType.FLOAT, labels.length, 1, 2, 2);
            for (int i = 0; i < labels.length; i++) {
                float v = labels[i] == 9 ? Float.NaN : labels[i];
                for (int j = 0; j < 4; j++) g.putScalar(new long[]{i, 0, j / 2, j % 2}, v);
            }
            return g;
        }
    };

    private static Dataset labelled(int n, int wrongEvery) {
        int[] labels = new int[n];
        float[][] x = new float[n][4];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 10;
            // The first pixel says the label, except for every wrongEvery-th sample, which says label + 1.
            x[i][0] = ((wrongEvery > 0 && i % wrongEvery == 0 ? labels[i] + 1 : labels[i]) % 10) / 10f;
        }
        List<String> classes = new java.util.ArrayList<>();
        for (int k = 0; k < 10; k++) classes.add("c" + k);
        return new Dataset("d", Split.TEST, Nd4j.createFromArray(x).reshape(n, 1, 2, 2), labels, classes, "d", "d");
    }

    @Test
    void gradientStatisticsOfAModelReadItsGradientsInBatches() {
        Dataset data = labelled(600, 0);   // 3 batches of 256, 256, 88
        double[] l1 = GradientStatistics.l1Norms(BY_LABEL, data);
        assertThat(l1).hasSize(600);
        for (int i = 0; i < 600; i++) {
            int label = i % 10;
            if (label == 9) assertThat(l1[i]).as("sample %d", i).isNaN();
            else assertThat(l1[i]).as("sample %d", i).isEqualTo(4.0 * label);
        }
        GradientStatistics g = GradientStatistics.of(BY_LABEL, data);
        assertThat(g.zero()).isEqualTo(60);
        assertThat(g.nonFinite()).isEqualTo(60);
        assertThat(g.victim()).isEqualTo("by-label");
    }

    @Test
    void inputGradientNormsOfAModelAreL2NormsWithCorrectnessFromItsPredictions() {
        Dataset data = labelled(1010, 7);   // 3 batches of 500, 500, 10; every 7th sample misclassified
        InputGradientNorms n = InputGradientNorms.of(BY_LABEL, data);
        assertThat(n.subject()).isEqualTo("by-label");
        for (int i = 0; i < 1010; i++) {
            int label = i % 10;
            assertThat(n.correct()[i]).as("sample %d", i).isEqualTo(i % 7 != 0);
            if (label != 9) assertThat(n.norms()[i]).as("sample %d", i).isCloseTo(2.0 * label, within(1e-6));
        }
        assertThat(n.samples()).isEqualTo(1010 - 145);
    }
}
