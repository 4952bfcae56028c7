package dev.robustgate.model.load;

import dev.robustgate.RobustGateException;
import dev.robustgate.model.graph.Graph;
import dev.robustgate.model.graph.GraphClassifier;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.linalg.ops.transforms.Transforms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * DL4J networks with BatchNormalization, residual adds and channels_last layers, translated onto
 * the graph executor: probabilities equal DL4J's own inference output ({@code output(x, false)}),
 * input gradients equal central finite differences of the inference-mode loss.
 */
class Dl4jGraphsTest {

    /** A few Adam steps on random data, so that BN's running statistics are not the initial 0 / 1. */
    private static void trainABit(MultiLayerNetwork net, long... inShape) {
        Nd4j.getRandom().setSeed(9);
        for (int i = 0; i < 5; i++) {
            INDArray x = Nd4j.rand(DataType.FLOAT, inShape).muli(2);
            net.fit(x, Nd4j.eye(4).repeat(0, inShape[0] / 4).reshape(inShape[0], 4).castTo(DataType.FLOAT));
        }
    }

    static MultiLayerNetwork cnnWithBatchNorm() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(21).updater(new Adam(0.05)).list()
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(5).convolutionMode(ConvolutionMode.Same).activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new org.deeplearning4j.nn.conf.layers.ActivationLayer(Activation.RELU))
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).nOut(6).stride(2, 2).padding(1, 1).activation(Activation.LEAKYRELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).kernelSize(2, 2).stride(1, 1).build())
                .layer(new DenseLayer.Builder().nOut(7).activation(Activation.TANH).build())
                .layer(new BatchNormalization.Builder().build())
                .layer(new DropoutLayer.Builder(0.5).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(10, 10, 2)).build());
        net.init();
        trainABit(net, 8, 2, 10, 10);
        return net;
    }

    @Test
    void aCnnWithBatchNormGivesDl4jsInferenceOutput() {
        MultiLayerNetwork net = cnnWithBatchNorm();
        GraphClassifier model = GraphClassifier.of("cnn-bn", Dl4jGraphs.of(net, "cnn-bn.zip", DataType.FLOAT), new long[]{2, 10, 10});
        Nd4j.getRandom().setSeed(5);
        INDArray x = Nd4j.rand(DataType.FLOAT, 16, 2, 10, 10);
        double err = Transforms.abs(model.probabilities(x).sub(net.output(x, false))).maxNumber().doubleValue();
        assertThat(err).as("max |p_graph - p_dl4j|").isLessThan(1e-5);
    }

    @Test
    void inputGradientsAreTheInferenceModeOnes() {
        MultiLayerNetwork net = cnnWithBatchNorm();
        GraphClassifier model = GraphClassifier.of("cnn-bn", Dl4jGraphs.of(net, "cnn-bn.zip", DataType.DOUBLE), new long[]{2, 10, 10});
        Nd4j.getRandom().setSeed(6);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 10, 10);
        int[] labels = {1, 3};
        INDArray g = model.lossGradient(x, labels);
        double worst = 0, scale = Transforms.abs(g).maxNumber().doubleValue();
        for (long k = 0; k < x.length(); k += 7) {
            double fd = (loss(model, bumped(x, k, 1e-6), labels) - loss(model, bumped(x, k, -1e-6), labels)) / 2e-6;
            worst = Math.max(worst, Math.abs(fd - g.reshape(g.length()).getDouble(k)));
        }
        assertThat(scale).isGreaterThan(1e-4);
        // ReLU and max-pool kinks make a rare probe inexact; 1e-6 relative holds on these draws.
        assertThat(worst / scale).as("max |grad - finite difference| / max |grad|").isLessThan(1e-6);
        // Per-sample independence: the BN of the gradient pass uses running statistics, not the batch's.
        INDArray alone = model.lossGradient(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)), new int[]{1});
        assertThat(Transforms.abs(alone.sub(g.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 1)))).maxNumber().doubleValue())
                .isLessThan(1e-12);
    }

    @Test
    void aResidualChannelsLastGraphGivesDl4jsOutput() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(22).updater(new Adam(0.05)).graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(8, 8, 3, CNN2DFormat.NHWC))
                .addLayer("pad", new ZeroPaddingLayer.Builder(1, 1, 0, 1).dataFormat(CNN2DFormat.NHWC).build(), "in")
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(4).dataFormat(CNN2DFormat.NHWC).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).hasBias(false).build(), "pad")
                .addLayer("bn1", new BatchNormalization.Builder().build(), "c1")
                .addLayer("c2", new ConvolutionLayer.Builder(1, 1).nOut(4).dataFormat(CNN2DFormat.NHWC).activation(Activation.RELU).build(), "pad")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "bn1", "c2")
                .addVertex("cat", new MergeVertex(), "add", "c2")
                .addLayer("gap", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "cat")
                .addLayer("d", new DenseLayer.Builder().nOut(8).activation(Activation.SIGMOID).build(), "cat")
                .addVertex("avg", new ElementWiseVertex(ElementWiseVertex.Op.Average), "gap", "d")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4).activation(Activation.SOFTMAX).build(), "avg")
                .setOutputs("out").build();
        ComputationGraph g = new ComputationGraph(conf);
        g.init();
        Nd4j.getRandom().setSeed(10);
        for (int i = 0; i < 5; i++) {
            g.fit(new INDArray[]{Nd4j.rand(DataType.FLOAT, 8, 8, 8, 3)}, new INDArray[]{Nd4j.eye(4).repeat(0, 2).reshape(8, 4).castTo(DataType.FLOAT)});
        }
        assertThat(g.getConfiguration().getVertices().keySet()).contains("d");
        Graph graph = Dl4jGraphs.of(g, "residual.zip", DataType.FLOAT);
        GraphClassifier model = GraphClassifier.of("residual", graph, new long[]{3, 8, 8});
        INDArray nhwc = Nd4j.rand(DataType.FLOAT, 6, 8, 8, 3);
        INDArray nchw = nhwc.permute(0, 3, 1, 2).dup();
        double err = Transforms.abs(model.probabilities(nchw).sub(g.outputSingle(false, nhwc))).maxNumber().doubleValue();
        assertThat(err).as("max |p_graph - p_dl4j| on the channels_last graph").isLessThan(1e-5);
    }

    @Test
    void anUnsupportedLayerIsOneLineNamingLayerAndFile() {
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new LSTM.Builder().nIn(3).nOut(4).build())
                .layer(new org.deeplearning4j.nn.conf.layers.RnnOutputLayer.Builder().nIn(4).nOut(2).activation(Activation.SOFTMAX).build())
                .build());
        net.init();
        assertThatThrownBy(() -> Dl4jGraphs.of(net, "rnn.zip", DataType.FLOAT)).isInstanceOf(RobustGateException.class)
                .hasMessage("rnn.zip: layer 'layer0' (LSTM) is a layer kind not supported; the white-box executor cannot run it");
    }

    private static INDArray bumped(INDArray x, long k, double h) {
        INDArray y = x.dup();
        INDArray flat = y.reshape(y.length());
        flat.putScalar(k, flat.getDouble(k) + h);
        return y;
    }

    private static double loss(GraphClassifier m, INDArray x, int[] labels) {
        INDArray logp = Transforms.log(Transforms.softmax(m.logits(x), true), false);
        double s = 0;
        for (int i = 0; i < labels.length; i++) s -= logp.getDouble(i, labels[i]);
        return s;
    }
}
