package dev.robustgate.defense;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.File;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TemperatureSoftmaxTest {

    @Test
    void isSoftmaxOfLogitsOverT() {
        INDArray z = Nd4j.createFromArray(new double[][]{{1, 2, 3}, {10, -5, 0}});
        INDArray a = new TemperatureSoftmax(4).getActivation(z.dup(), false);
        INDArray expected = new ActivationSoftmax().getActivation(z.div(4), false);
        assertThat(a.equalsWithEps(expected, 1e-12)).isTrue();
        assertThat(new TemperatureSoftmax(1).getActivation(z.dup(), false).equalsWithEps(
                new ActivationSoftmax().getActivation(z.dup(), false), 1e-12)).isTrue();
    }

    @Test
    void backpropAgreesWithFiniteDifferences() {
        TemperatureSoftmax act = new TemperatureSoftmax(3.5);
        INDArray z = Nd4j.createFromArray(new double[][]{{0.3, -1.2, 2.0, 0.5}, {1.0, 1.0, -0.7, 4.0}});
        INDArray eps = Nd4j.createFromArray(new double[][]{{0.2, -0.4, 1.0, 0.1}, {-1.0, 0.5, 0.3, 0.7}});
        INDArray analytic = act.backprop(z.dup(), eps.dup()).getFirst();
        double h = 1e-6;
        for (int r = 0; r < 2; r++) {
            for (int c = 0; c < 4; c++) {
                INDArray plus = z.dup(), minus = z.dup();
                plus.putScalar(r, c, z.getDouble(r, c) + h);
                minus.putScalar(r, c, z.getDouble(r, c) - h);
                // d/dz of sum(eps * a(z)): the chain rule backprop computes
                double fd = (act.getActivation(plus, true).mul(eps).sumNumber().doubleValue()
                        - act.getActivation(minus, true).mul(eps).sumNumber().doubleValue()) / (2 * h);
                assertThat(analytic.getDouble(r, c)).as("dL/dz[%d,%d]", r, c).isCloseTo(fd, within(1e-6));
            }
        }
    }

    @Test
    void survivesSaveAndRestoreWithItsTemperature(@TempDir Path dir) throws Exception {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(3).updater(new Adam(1e-3))
                .dataType(DataType.FLOAT).list()
                .layer(new DenseLayer.Builder().nOut(8).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(3).activation(new TemperatureSoftmax(20)).build())
                .setInputType(InputType.feedForward(5)).build());
        net.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 5);
        File f = dir.resolve("t20.zip").toFile();
        ModelSerializer.writeModel(net, f, false);
        MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(f, false);
        var conf = (org.deeplearning4j.nn.conf.layers.BaseLayer) back.getLayerWiseConfigurations().getConf(1).getLayer();
        assertThat(conf.getActivationFn()).isEqualTo(new TemperatureSoftmax(20));
        assertThat(back.output(x).equalsWithEps(net.output(x), 1e-6)).isTrue();
    }

    @Test
    void rejectsANonPositiveTemperature() {
        assertThatThrownBy(() -> new TemperatureSoftmax(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0.0");
        assertThatThrownBy(() -> new TemperatureSoftmax(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
