package dev.robustgate.model;

import dev.robustgate.fixture.Architectures;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * DL4J's oneDNN layer helpers, switched on by {@link OneDnnLayers}, are a faster route to the same
 * numbers: a LeNet built with them gives the forward pass and every parameter gradient of one
 * built without them, on the same weights and batch.
 */
class OneDnnLayersTest {

    private static MultiLayerNetwork lenet(boolean helpers) {
        String before = System.getProperty(OneDnnLayers.HELPERS_DISABLE_PROPERTY);
        System.setProperty(OneDnnLayers.HELPERS_DISABLE_PROPERTY, String.valueOf(!helpers));
        try {
            return Architectures.build("lenet", new long[]{1, 28, 28}, 10, 1e-3, 5);
        } finally {
            if (before == null) System.clearProperty(OneDnnLayers.HELPERS_DISABLE_PROPERTY);
            else System.setProperty(OneDnnLayers.HELPERS_DISABLE_PROPERTY, before);
        }
    }

    @Test
    void helpersGiveTheBuiltInLayersGradients() {
        MultiLayerNetwork builtIn = lenet(false);
        MultiLayerNetwork oneDnn = lenet(true);
        assertThat(((ConvolutionLayer) builtIn.getLayer(0)).getHelper()).isNull();
        assertThat(((ConvolutionLayer) oneDnn.getLayer(0)).getHelper())
                .as("oneDNN helper on the convolution layer (needs libnd4j's oneDNN build, see pom.xml)").isNotNull();
        oneDnn.setParams(builtIn.params().dup());

        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 1, 28, 28);
        INDArray y = Nd4j.zeros(DataType.FLOAT, 16, 10);
        for (int i = 0; i < 16; i++) y.putScalar(i, i % 10, 1f);
        assertThat(oneDnn.output(x).equalsWithEps(builtIn.output(x), 1e-5)).isTrue();

        builtIn.setInput(x);
        builtIn.setLabels(y);
        builtIn.computeGradientAndScore();
        oneDnn.setInput(x);
        oneDnn.setLabels(y);
        oneDnn.computeGradientAndScore();
        assertThat(oneDnn.score()).isCloseTo(builtIn.score(), org.assertj.core.api.Assertions.within(1e-5));
        Gradient a = builtIn.gradient(), b = oneDnn.gradient();
        for (Map.Entry<String, INDArray> e : a.gradientForVariable().entrySet()) {
            INDArray ga = e.getValue(), gb = b.getGradientFor(e.getKey());
            double scale = Math.max(1e-3, ga.amaxNumber().doubleValue());
            double diff = ga.sub(gb).amaxNumber().doubleValue();
            assertThat(diff / scale).as("gradient of %s: largest difference %s, largest value %s", e.getKey(), diff, scale)
                    .isLessThan(1e-4);
        }
    }
}
