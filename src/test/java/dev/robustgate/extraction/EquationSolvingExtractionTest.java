package dev.robustgate.extraction;

import dev.robustgate.model.RemoteClassifier;
import dev.robustgate.model.SoftmaxRegression;
import dev.robustgate.serve.OutputPolicy;
import dev.robustgate.serve.PredictionServer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Tramer's equation solving against the real HTTP API: exact without rounding, broken by it. */
class EquationSolvingExtractionTest {

    private static SoftmaxRegression randomModel(int d, int k, long seed) {
        Random r = new Random(seed);
        INDArray w = Nd4j.zeros(DataType.DOUBLE, d, k);
        for (int i = 0; i < d; i++) for (int c = 0; c < k; c++) w.putScalar(i, c, r.nextGaussian() * 0.5);
        INDArray b = Nd4j.zeros(DataType.DOUBLE, 1, k);
        for (int c = 0; c < k; c++) b.putScalar(0, c, r.nextGaussian());
        return new SoftmaxRegression("toy-softmax", new long[]{1, d}, w, b);
    }

    @Test
    void recoversLogisticRegressionExactlyFromDPlusOneQueries() {
        int d = 784;
        Random r = new Random(1);
        double[] w = new double[d];
        for (int i = 0; i < d; i++) w[i] = r.nextGaussian() * 0.5;
        SoftmaxRegression victim = SoftmaxRegression.logistic("toy-logistic", new long[]{1, 28, 28}, w, 0.3);
        try (PredictionServer server = PredictionServer.start(victim, PredictionServer.Settings.open())) {
            RemoteClassifier api = RemoteClassifier.at(server.uri()).connect();

            EquationSolvingExtraction.Result result = EquationSolvingExtraction.minimal(7).run(api);

            assertThat(result.queries()).isEqualTo(d + 1);
            assertThat(api.queriesSent()).isEqualTo(d + 1);
            assertThat(server.queriesAnswered()).isEqualTo(d + 1);
            assertThat(result.droppedEquations()).isZero();
            // measured: 2.0e-13 (double-precision answers over JSON); Tramer reports ~1e-6 as exact
            assertThat(EquationSolvingExtraction.maxParameterError(result.model(), victim)).isLessThan(1e-6);
        }
    }

    @Test
    void recoversMulticlassSoftmaxRegressionUpToTheClassShift() {
        SoftmaxRegression victim = randomModel(64, 10, 2);
        try (PredictionServer server = PredictionServer.start(victim, PredictionServer.Settings.open())) {
            RemoteClassifier api = RemoteClassifier.at(server.uri()).connect();

            EquationSolvingExtraction.Result result = EquationSolvingExtraction.minimal(8).run(api);

            assertThat(result.queries()).isEqualTo(65);
            assertThat(result.equations()).isEqualTo(65 * 9);
            assertThat(EquationSolvingExtraction.maxParameterError(result.model(), victim)).isLessThan(1e-6);
            INDArray x = Nd4j.rand(DataType.FLOAT, 50, 1, 64);
            double probGap = Transforms.abs(result.model().probabilities(x).sub(victim.probabilities(x))).maxNumber().doubleValue();
            assertThat(probGap).isLessThan(1e-9);
        }
    }

    @Test
    void roundingTheAnswersBreaksExactness() {
        SoftmaxRegression victim = randomModel(64, 10, 3);
        double exact, rounded;
        try (PredictionServer server = PredictionServer.start(victim, PredictionServer.Settings.open())) {
            exact = EquationSolvingExtraction.maxParameterError(
                    EquationSolvingExtraction.minimal(9).run(RemoteClassifier.at(server.uri()).connect()).model(), victim);
        }
        try (PredictionServer server = PredictionServer.start(victim,
                PredictionServer.Settings.open().withPolicy(OutputPolicy.rounded(3)))) {
            rounded = EquationSolvingExtraction.maxParameterError(
                    EquationSolvingExtraction.minimal(9).run(RemoteClassifier.at(server.uri()).connect()).model(), victim);
        }
        // measured: exact 2.6e-13, rounded(3) 3.36: rounding to 3 decimals costs thirteen orders of magnitude
        assertThat(exact).isLessThan(1e-6);
        assertThat(rounded).isGreaterThan(1e-2);
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new EquationSolvingExtraction(-1, 0.1, 0)).hasMessageContaining(">= 0 (0 = d+1), got -1");
        assertThatThrownBy(() -> new EquationSolvingExtraction(0, 1.5, 0)).hasMessageContaining("(0, 1], got 1.5");
    }
}
