package dev.robustgate.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class InputAdapterTest {

    /** `--mean m1,m2,m3` without `--std` (and the reverse) once indexed std by the mean's length: out of bounds. */
    @Test
    void meanAndStdEachTakeOneValueOrOnePerChannel() {
        InputSpec meanOnly = new InputSpec(new long[]{3, 2, 2}, null, null, new double[]{0.1, 0.2, 0.3}, null, null);
        InputSpec stdOnly = new InputSpec(new long[]{3, 2, 2}, null, null, null, new double[]{0.5, 0.25, 2.0}, null);
        for (int c = 0; c < 3; c++) {
            assertThat(meanOnly.scale(c)).isEqualTo(1.0);
            assertThat(meanOnly.shift(c)).isEqualTo(-0.1 * (c + 1), within(1e-12));
            assertThat(stdOnly.shift(c)).isEqualTo(0.0);
        }
        assertThat(stdOnly.scale(0)).isEqualTo(2.0);
        assertThat(stdOnly.scale(1)).isEqualTo(4.0);
        assertThat(stdOnly.scale(2)).isEqualTo(0.5);
        assertThat(stdOnly.mapsPixelsUnchanged()).isFalse();
        assertThat(meanOnly.mapsPixelsUnchanged()).isFalse();
    }
    private static final double[] MEAN = {0.49, 0.48, 0.45};
    private static final double[] STD = {0.25, 0.24, 0.26};

    private static INDArray pixels(long... shape) {
        Nd4j.getRandom().setSeed(11);
        return Nd4j.rand(DataType.DOUBLE, shape);
    }

    /** The map written out element by element: NCHW pixels -> range -> mean/std -> the model's NHWC. */
    private static INDArray byHandNhwc(INDArray x, double min, double max) {
        long n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
        INDArray z = Nd4j.create(DataType.DOUBLE, n, h, w, c);
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int xx = 0; xx < w; xx++) {
                        double v = min + x.getDouble(i, ch, y, xx) * (max - min);
                        z.putScalar(new long[]{i, y, xx, ch}, (v - MEAN[ch]) / STD[ch]);
                    }
        return z;
    }

    @Test
    void logitsAreTheModelsOnTheNormalisedNhwcInput() {
        InputSpec spec = InputSpec.pixels(3, 4, 5).withLayout(InputLayout.NHWC).withRange(0, 255).withMean(MEAN).withStd(STD);
        TanhMlp inner = new TanhMlp(new long[]{4, 5, 3}, 6, 4, 1);
        DifferentiableClassifier model = InputAdapter.wrap(inner, spec);
        INDArray x = pixels(2, 3, 4, 5);
        INDArray expected = inner.logits(byHandNhwc(x, 0, 255));
        INDArray xCopy = x.dup();
        assertThat(model.logits(x).equalsWithEps(expected, 1e-9)).isTrue();
        assertThat(model.sampleShape()).containsExactly(3, 4, 5);
        assertThat(x).as("the caller's batch is not changed").isEqualTo(xCopy);
    }

    @Test
    void pixelSpaceGradientMatchesFiniteDifferences() {
        InputSpec spec = InputSpec.pixels(3, 3, 4).withLayout(InputLayout.NHWC).withMean(MEAN).withStd(STD);
        DifferentiableClassifier model = InputAdapter.wrap(new TanhMlp(new long[]{3, 4, 3}, 5, 3, 2), spec);
        INDArray x = pixels(2, 3, 3, 4);
        int[] labels = {0, 2};
        INDArray g = model.lossGradient(x, labels);
        assertThat(g.shape()).containsExactly(2, 3, 3, 4);
        double h = 1e-6, worst = 0;
        for (long k = 0; k < x.length(); k++) {
            INDArray plus = x.dup(), minus = x.dup();
            plus.reshape(x.length()).putScalar(k, x.reshape(x.length()).getDouble(k) + h);
            minus.reshape(x.length()).putScalar(k, x.reshape(x.length()).getDouble(k) - h);
            double fd = (loss(model, plus, labels) - loss(model, minus, labels)) / (2 * h);
            worst = Math.max(worst, Math.abs(fd - g.reshape(g.length()).getDouble(k)));
        }
        // Central differences in double precision: truncation ~h^2 * f''' and rounding ~1e-16 / h.
        assertThat(worst).isLessThan(1e-7);
    }

    @Test
    void sharedNormalisationAndFlatLayout() {
        InputSpec spec = InputSpec.pixels(1, 4, 4).withLayout(InputLayout.FLAT).withMean(0.1307).withStd(0.3081);
        TanhMlp inner = new TanhMlp(new long[]{16}, 5, 3, 3);
        DifferentiableClassifier model = InputAdapter.wrap(inner, spec);
        INDArray x = pixels(3, 1, 4, 4);
        INDArray z = x.sub(0.1307).divi(0.3081).reshape(3, 16);
        assertThat(model.logits(x).equalsWithEps(inner.logits(z), 1e-9)).isTrue();
        int[] labels = {0, 1, 2};
        INDArray expected = inner.lossGradient(z, labels).divi(0.3081).reshape(3, 1, 4, 4);
        assertThat(model.lossGradient(x, labels).equalsWithEps(expected, 1e-9)).isTrue();
    }

    @Test
    void aBatchOfTheWrongShapeIsRefusedInOneLine() {
        DifferentiableClassifier model = InputAdapter.wrap(new TanhMlp(new long[]{4, 4, 3}, 4, 2, 4),
                InputSpec.pixels(3, 4, 4).withLayout(InputLayout.NHWC));
        assertThatThrownBy(() -> model.logits(pixels(2, 1, 4, 4))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("input shape [2, 1, 4, 4] does not fit tanh-mlp, which takes [N, 3, 4, 4]");
        assertThatThrownBy(() -> model.lossGradient(pixels(2, 4, 4, 3), new int[]{0, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not fit");
    }

    @Test
    void aDeclarationThatDoesNotFitTheModelIsRefused() {
        TanhMlp inner = new TanhMlp(new long[]{4, 4, 3}, 4, 2, 5);
        assertThatThrownBy(() -> InputAdapter.wrap(inner, InputSpec.pixels(3, 4, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tanh-mlp takes samples of shape [4,4,3]").hasMessageContaining("gives [3,4,4]");
        assertThatThrownBy(() -> InputAdapter.wrap(inner, InputSpec.pixels(3, 4, 4).withLayout(InputLayout.NHWC)
                .withClasses(List.of("a", "b", "c")))).hasMessageContaining("has 2 classes, but 3 class names");
    }

    @Test
    void aBlackBoxStaysBlackAndCountsAreTheModels() {
        SoftmaxRegression inner = SoftmaxRegression.logistic("logit", new long[]{4}, new double[]{1, -1, 2, 0.5}, 0.1);
        Classifier model = InputAdapter.wrap(inner, InputSpec.pixels(4).withMean(0.5).withStd(0.5));
        assertThat(model).isNotInstanceOf(DifferentiableClassifier.class);
        INDArray x = pixels(5, 4);
        assertThat(model.probabilities(x).equalsWithEps(inner.probabilities(x.sub(0.5).muli(2)), 1e-12)).isTrue();
        assertThat(model.counter()).isSameAs(inner.counter());
    }

    @Test
    void specFromVictimJsonAndBack() throws Exception {
        ObjectMapper om = new ObjectMapper();
        InputSpec spec = om.readValue("{\"shape\": [3, 32, 32], \"mean\": [0.49, 0.48, 0.45], \"std\": [0.25, 0.24, 0.26]}",
                InputSpec.class);
        assertThat(spec.shape()).containsExactly(3, 32, 32);
        assertThat(spec.layout()).isEqualTo(InputLayout.NCHW);
        assertThat(spec.range()).containsExactly(0, 1);
        assertThat(spec.scale(1)).isCloseTo(1 / 0.24, within(1e-12));
        assertThat(spec.shift(2)).isCloseTo(-0.45 / 0.26, within(1e-12));
        assertThat(om.readValue(om.writeValueAsString(spec), InputSpec.class)).isEqualTo(spec);
        InputSpec nhwc = om.readValue("{\"shape\": [3, 8, 8], \"layout\": \"nhwc\", \"range\": [0, 255], \"classes\": [\"a\",\"b\"]}",
                InputSpec.class);
        assertThat(nhwc.modelShape()).containsExactly(8, 8, 3);
        assertThat(nhwc.classes()).containsExactly("a", "b");
    }

    @Test
    void badDeclarationsNameTheProblem() {
        assertThatThrownBy(() -> InputSpec.pixels(3, 32)).hasMessage("input shape must be C,H,W or D, got 3,32");
        assertThatThrownBy(() -> InputSpec.pixels(3, 32, 32).withMean(0.1, 0.2))
                .hasMessage("mean has 2 values for 3 channels (give one per channel, or one for all)");
        assertThatThrownBy(() -> InputSpec.pixels(3, 32, 32).withStd(0.2, 0, 0.2)).hasMessageContaining("std must be > 0");
        assertThatThrownBy(() -> InputSpec.pixels(3, 32, 32).withRange(1, 1)).hasMessageContaining("min < max");
        assertThatThrownBy(() -> InputSpec.fromJson(new long[]{3, 2, 2}, "NCWH", null, null, null, null))
                .hasMessage("input layout must be NCHW, NHWC or FLAT, got 'NCWH'");
        assertThatThrownBy(() -> InputSpec.pixels(10).withLayout(InputLayout.NHWC)).hasMessageContaining("layout FLAT");
    }

    private static double loss(DifferentiableClassifier m, INDArray x, int[] labels) {
        INDArray logp = Transforms.log(Transforms.softmax(m.logits(x), true), false);
        double s = 0;
        for (int i = 0; i < labels.length; i++) s -= logp.getDouble(i, labels[i]);
        return s;
    }
}
