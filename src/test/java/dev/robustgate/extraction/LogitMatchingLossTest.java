package dev.robustgate.extraction;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LogitMatchingLossTest {
    private final LogitMatchingLoss loss = new LogitMatchingLoss();
    private final ActivationSoftmax softmax = new ActivationSoftmax();

    private static INDArray random(int n, int k, long seed, double scale) {
        Random r = new Random(seed);
        INDArray a = Nd4j.zeros(DataType.DOUBLE, n, k);
        for (int i = 0; i < n; i++) for (int j = 0; j < k; j++) a.putScalar(i, j, r.nextGaussian() * scale);
        return a;
    }

    @Test
    void gradientMatchesFiniteDifferences() {
        INDArray z = random(3, 5, 1, 2), t = random(3, 5, 2, 5);
        INDArray g = loss.computeGradient(t, z, softmax, null);
        double h = 1e-6;
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 5; j++) {
                INDArray up = z.dup(), down = z.dup();
                up.putScalar(i, j, z.getDouble(i, j) + h);
                down.putScalar(i, j, z.getDouble(i, j) - h);
                double fd = (loss.computeScore(t, up, softmax, null, false) - loss.computeScore(t, down, softmax, null, false)) / (2 * h);
                assertThat(g.getDouble(i, j)).as("d loss / d z[%d,%d]", i, j).isCloseTo(fd, within(1e-6));
            }
        }
    }

    @Test
    void logitsAreMatchedOnlyUpToAConstantPerSample() {
        INDArray t = random(4, 10, 3, 5);
        // The victim's log-probabilities are its logits minus the log-partition: a per-row shift.
        INDArray shifted = t.addColumnVector(Nd4j.createFromArray(3.0, -7.0, 0.5, 100.0).reshape(4, 1));
        assertThat(loss.computeScore(t, shifted, softmax, null, true)).isCloseTo(0.0, within(1e-9));
        assertThat(loss.computeGradient(t, shifted, softmax, null).amaxNumber().doubleValue()).isCloseTo(0.0, within(1e-9));
        INDArray z = random(4, 10, 4, 1);
        assertThat(loss.computeScore(t, z, softmax, null, true))
                .isCloseTo(loss.computeScore(shifted, z, softmax, null, true), within(1e-9));
    }

    @Test
    void averageDividesByTheBatchAndMaskDropsSamples() {
        INDArray z = random(4, 3, 5, 1), t = random(4, 3, 6, 1);
        double sum = loss.computeScore(t, z, softmax, null, false);
        assertThat(loss.computeScore(t, z, softmax, null, true)).isCloseTo(sum / 4, within(1e-12));
        INDArray mask = Nd4j.createFromArray(1.0, 0.0, 1.0, 1.0).reshape(4, 1);
        INDArray perSample = loss.computeScoreArray(t, z, softmax, null);
        assertThat(loss.computeScore(t, z, softmax, mask, false))
                .isCloseTo(sum - perSample.getDouble(1, 0), within(1e-12));
        assertThat(loss.computeGradient(t, z, softmax, mask).getRow(1).amaxNumber().doubleValue()).isEqualTo(0.0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> loss.computeGradient(t, z, softmax, Nd4j.ones(4, 3)))
                .hasMessageContaining("per-sample mask of 4 values, got shape [4, 3]");
    }

    @Test
    void centredLogProbabilitiesAreTheLogitsUpToAConstantAndSurviveZeros() {
        INDArray logits = Nd4j.createFromArray(new double[][]{{2, 0, -1}, {0, 0, 0}});
        INDArray p = Nd4j.nn().softmax(logits, 1);
        INDArray t = KnockoffNets.centredLogProbabilities(p);
        INDArray centred = logits.subColumnVector(logits.mean(true, 1));
        assertThat(t.equalsWithEps(centred, 1e-9)).isTrue();
        INDArray withZero = KnockoffNets.centredLogProbabilities(Nd4j.createFromArray(new double[][]{{1, 0, 0}}));
        assertThat(withZero.getDouble(0, 1)).isFinite().isEqualTo(withZero.getDouble(0, 2));
    }
}
