package dev.robustgate.model;

import dev.robustgate.model.TestModelFiles.Model;
import dev.robustgate.model.TestModelsParityTest.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link DifferentiableClassifier#logitGradient}: the one-pass vector-Jacobian product of every
 * committed model (DL4J op by op for the Keras LeNet, the graph executor for ONNX and Keras graphs,
 * through the input map for normalised models) equals the interface's cross-entropy route on the
 * same weights, and costs one gradient evaluation per sample where the route costs one per class.
 */
class LogitGradientTest {
    private static final int N = 6;

    /** The same model seen without its own logitGradient: the interface's default, the cross-entropy route. */
    static DifferentiableClassifier viaCrossEntropy(DifferentiableClassifier m) {
        return new DifferentiableClassifier() {
            @Override public String name() { return m.name(); }
            @Override public long[] sampleShape() { return m.sampleShape(); }
            @Override public int numClasses() { return m.numClasses(); }
            @Override public EvaluationCounter counter() { return m.counter(); }
            @Override public INDArray probabilities(INDArray inputs) { return m.probabilities(inputs); }
            @Override public INDArray logits(INDArray inputs) { return m.logits(inputs); }
            @Override public INDArray lossGradient(INDArray inputs, int[] labels) { return m.lossGradient(inputs, labels); }
        };
    }

    /** Rows with 2-5 weighted classes summing to 0, as DLR and logit differences make them. */
    static INDArray zeroSumWeights(int n, int k, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] w = new double[n][k];
        for (int i = 0; i < n; i++) {
            int used = 2 + i % 4;
            int[] cls = rnd.ints(0, k).distinct().limit(used).toArray();
            double sum = 0;
            for (int j = 0; j < used - 1; j++) {
                w[i][cls[j]] = rnd.nextDouble(-2, 2);
                sum += w[i][cls[j]];
            }
            w[i][cls[used - 1]] = -sum;
        }
        return Nd4j.createFromArray(w);
    }

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> models() {
        return TestModelsParityTest.all();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("models")
    void onePassEqualsTheCrossEntropyRouteAtAFifthOfTheCost(Model model, Format format) {
        DifferentiableClassifier m = TestModelsParityTest.load(model, format);
        assertThat(m.seedsLogitGradient()).as("a committed model seeds its backward pass").isTrue();
        INDArray x = model.images(N);
        INDArray w = zeroSumWeights(N, m.numClasses(), 17).castTo(x.dataType());

        long before = m.counter().snapshot().gradient();
        INDArray seeded = m.logitGradient(x, w);
        long onePass = m.counter().snapshot().gradient() - before;
        INDArray routed = viaCrossEntropy(m).logitGradient(x, w);
        long route = m.counter().snapshot().gradient() - before - onePass;

        assertThat(seeded.shape()).containsExactly(x.shape());
        double scale = routed.amaxNumber().doubleValue();
        assertThat(scale).as("the gradient is not trivially zero").isGreaterThan(1e-4);
        assertThat(seeded.sub(routed).amaxNumber().doubleValue()).isLessThan(2e-4 * scale);
        assertThat(onePass).isEqualTo(N);
        assertThat(route).as("5 weighted classes in the widest row: 5 cross-entropy passes").isEqualTo(5L * N);
    }

    @Test
    void aLogitDifferenceIsTheDifferenceOfTwoCrossEntropyGradients() {
        DifferentiableClassifier m = TestModelsParityTest.load(Model.LENET, Format.KERAS);
        INDArray x = Model.LENET.images(3);
        double[][] w = new double[3][10];
        int[] a = {0, 4, 9}, b = {1, 2, 3};
        for (int i = 0; i < 3; i++) {
            w[i][a[i]] = 1;
            w[i][b[i]] = -1;
        }
        INDArray g = m.logitGradient(x, Nd4j.createFromArray(w).castTo(DataType.FLOAT));
        INDArray want = m.lossGradient(x, b).sub(m.lossGradient(x, a));   // grad (z_a - z_b)
        assertThat(g.sub(want).amaxNumber().doubleValue()).isLessThan(1e-4 * want.amaxNumber().doubleValue());
    }

    @Test
    void dl4jLayersTakeTheCrossEntropyRouteAndCountIt() {
        long[] shape = {1, 28, 28};
        var net = dev.robustgate.fixture.Architectures.build("lenet", shape, 10, 1e-3, 31);
        Dl4jClassifier direct = new Dl4jClassifier("lenet", net, shape, dev.robustgate.fixture.Architectures.layoutOf("lenet"));
        Dl4jClassifier layers = direct.withExecution(Dl4jClassifier.Execution.DL4J_LAYERS);
        assertThat(direct.seedsLogitGradient()).isTrue();
        assertThat(layers.seedsLogitGradient()).isFalse();
        INDArray x = Model.LENET.images(N);
        INDArray w = zeroSumWeights(N, 10, 18).castTo(x.dataType());
        INDArray g = layers.logitGradient(x, w);
        assertThat(layers.counter().snapshot().gradient()).isEqualTo(5L * N);
        INDArray want = direct.logitGradient(x, w);
        assertThat(direct.counter().snapshot().gradient()).isEqualTo(N);
        assertThat(g.sub(want).amaxNumber().doubleValue()).isLessThan(2e-4 * want.amaxNumber().doubleValue());
    }

    @Test
    void weightsThatAreNotDifferencesOfLogitsAreRefusedWithOneLine() {
        DifferentiableClassifier m = TestModelsParityTest.load(Model.LENET, Format.KERAS);
        INDArray x = Model.LENET.images(2);
        INDArray notZeroSum = Nd4j.zeros(DataType.FLOAT, 2, 10);
        notZeroSum.putScalar(1, 3, 1.0);
        for (DifferentiableClassifier model : new DifferentiableClassifier[]{m, viaCrossEntropy(m)}) {
            assertThatThrownBy(() -> model.logitGradient(x, notZeroSum)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("row 1 sum to 1.0, not 0").hasMessageNotContaining("\n");
            assertThatThrownBy(() -> model.logitGradient(x, Nd4j.zeros(DataType.FLOAT, 2, 9)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be [2, 10], got [2, 9]");
            INDArray nan = Nd4j.zeros(DataType.FLOAT, 2, 10);
            nan.putScalar(0, 0, Double.NaN);
            assertThatThrownBy(() -> model.logitGradient(x, nan)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not finite");
        }
    }

    @Test
    void aBlackBoxHasNoLogitGradient() {
        Classifier scores = dev.robustgate.model.load.ModelFiles.load(Model.MLP.onnx(), InputDeclaration.NONE);
        DifferentiableClassifier black = ScoresOnly.of(new Classifier() {
            @Override public String name() { return scores.name(); }
            @Override public long[] sampleShape() { return scores.sampleShape(); }
            @Override public int numClasses() { return scores.numClasses(); }
            @Override public EvaluationCounter counter() { return scores.counter(); }
            @Override public INDArray probabilities(INDArray inputs) { return scores.probabilities(inputs); }
        });
        assertThat(black.seedsLogitGradient()).isFalse();
        assertThatThrownBy(() -> black.logitGradient(Model.MLP.images(1), Nd4j.zeros(DataType.FLOAT, 1, 10)))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("black box");
    }
}
