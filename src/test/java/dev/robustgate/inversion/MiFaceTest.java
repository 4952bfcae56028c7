package dev.robustgate.inversion;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.metric.InversionQuality;
import dev.robustgate.model.SoftmaxRegression;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MiFaceTest {

    /** Sum over neighbouring pairs of squared differences, the prior MiFace differentiates. */
    private static double smoothness(INDArray x) {
        double s = 0;
        long h = x.size(2), w = x.size(3);
        for (int n = 0; n < x.size(0); n++)
            for (int i = 0; i < h; i++)
                for (int j = 0; j < w; j++) {
                    if (i + 1 < h) s += Math.pow(x.getDouble(n, 0, i + 1, j) - x.getDouble(n, 0, i, j), 2);
                    if (j + 1 < w) s += Math.pow(x.getDouble(n, 0, i, j + 1) - x.getDouble(n, 0, i, j), 2);
                }
        return s;
    }

    @Test
    void smoothnessGradientMatchesFiniteDifferences() {
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 1, 5, 6);
        INDArray g = MiFace.smoothnessGradient(x);
        double h = 1e-6;
        for (int[] at : new int[][]{{0, 0, 0, 0}, {1, 0, 2, 3}, {0, 0, 4, 5}, {1, 0, 3, 0}}) {
            INDArray plus = x.dup(), minus = x.dup();
            plus.putScalar(at, x.getDouble(at) + h);
            minus.putScalar(at, x.getDouble(at) - h);
            double numeric = (smoothness(plus) - smoothness(minus)) / (2 * h);
            assertThat(g.getDouble(at)).isCloseTo(numeric, within(1e-6));
        }
    }

    @Test
    void qualityNamesTheNearestClassMean() {
        // Two classes: bright top half vs bright bottom half; reconstructions swapped for class 1.
        float[] v = new float[4 * 16];
        int[] y = {0, 0, 1, 1};
        for (int n = 0; n < 4; n++) for (int p = 0; p < 16; p++) v[n * 16 + p] = (y[n] == 0) == (p < 8) ? 1f : 0f;
        Dataset train = new Dataset("halves", Split.TRAIN, Nd4j.create(v, new long[]{4, 1, 4, 4}, 'c'), y,
                List.of("top", "bottom"), "h", "halves");
        INDArray rec = Nd4j.create(new float[]{1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0,
                1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0}, new long[]{2, 1, 4, 4}, 'c');
        INDArray w = Nd4j.zeros(DataType.DOUBLE, 16, 2);
        for (int p = 0; p < 16; p++) w.putScalar(p, p < 8 ? 0 : 1, 1.0);
        SoftmaxRegression victim = new SoftmaxRegression("halves", new long[]{1, 4, 4}, w, Nd4j.zeros(DataType.DOUBLE, 1, 2));

        InversionQuality q = InversionQuality.of("test", rec, victim, train);

        assertThat(q.nearestMean()).containsExactly(0, 0);
        assertThat(q.ownMeanNearest().successes()).isEqualTo(1);
        assertThat(q.confidence()[0]).isGreaterThan(0.99);
        assertThat(q.confidence()[1]).isLessThan(0.01);
        assertThatThrownBy(() -> InversionQuality.of("test", rec.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)), victim, train))
                .hasMessageContaining("one reconstruction per class (2), got 1");
    }

    @Test
    void badSettingsNameTheirRange() {
        assertThatThrownBy(() -> new MiFace(0, 0.1, 0, 0)).hasMessageContaining("steps must be >= 1, got 0");
        assertThatThrownBy(() -> new MiFace(1, 0.1, -1, 0)).hasMessageContaining("smoothness must be >= 0, got -1.0");
        assertThatThrownBy(() -> new MiFace(1, 0.1, 0, 2)).hasMessageContaining("in [0, 1], got 2.0");
    }

    @Test
    void seededRunsGiveSeveralDistinctReconstructionsPerClassDeterministically() {
        var victim = dev.robustgate.fixture.TestModels.untrained("mlp-256", 3);   // 10 classes, 28 x 28
        MiFace miFace = new MiFace(5, 0.05, 0.02, 0.0);

        MiFace.Result a = miFace.run(victim, 3, 7);
        MiFace.Result b = miFace.run(victim, 3, 7);
        MiFace.Result c = miFace.run(victim, 3, 8);

        assertThat(a.images().shape()).containsExactly(30, 1, 28, 28);
        assertThat(a.gradientEvaluations()).isEqualTo(5 * 30);
        assertThat(MiFace.targets(2, 3)).containsExactly(0, 1, 0, 1, 0, 1);
        assertThat(a.images()).isEqualTo(b.images());
        assertThat(a.images()).isNotEqualTo(c.images());
        // Two runs of one class start from different noise, so they differ.
        assertThat(a.images().get(org.nd4j.linalg.indexing.NDArrayIndex.point(0)))
                .isNotEqualTo(a.images().get(org.nd4j.linalg.indexing.NDArrayIndex.point(10)));
        assertThat(a.images().minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
        assertThat(a.images().maxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
        assertThatThrownBy(() -> miFace.run(victim, 0, 7)).hasMessageContaining("reconstructions per class must be >= 1, got 0");
    }
}
