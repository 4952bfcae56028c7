package dev.robustgate.model;

import dev.robustgate.fixture.Architectures;
import dev.robustgate.model.EvaluationCounter.Counts;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class Dl4jClassifierTest {
    private static final long[] SHAPE = {1, 28, 28};
    private static final int D = 28 * 28;

    /**
     * A double-precision network: DL4J's configuration builder defaults to FLOAT whatever
     * Nd4j's default data type is, so the built network is converted explicitly as well.
     */
    private static Dl4jClassifier doubleClassifier(String architecture, long seed) {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            MultiLayerNetwork net = Architectures.build(architecture, SHAPE, 10, 1e-3, seed).convertDataType(DataType.DOUBLE);
            assertThat(net.params().dataType()).isEqualTo(DataType.DOUBLE);
            return new Dl4jClassifier(architecture, net, SHAPE, Architectures.layoutOf(architecture));
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
    }

    private static INDArray randomInputs(int n, DataType type, long seed) {
        return randomInputs(n, SHAPE, type, seed);
    }

    private static INDArray randomInputs(int n, long[] sampleShape, DataType type, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int d = (int) (sampleShape[0] * sampleShape[1] * sampleShape[2]);
        double[] px = new double[n * d];
        for (int i = 0; i < px.length; i++) px[i] = rnd.nextDouble();
        return Nd4j.create(px, new long[]{n, sampleShape[0], sampleShape[1], sampleShape[2]}, 'c').castTo(type);
    }

    /** Per-sample cross-entropy -log p[label] for each row of {@code x}. */
    private static double[] losses(Dl4jClassifier model, INDArray x, int label) {
        INDArray p = model.probabilities(x);
        double[] out = new double[(int) x.size(0)];
        for (int i = 0; i < out.length; i++) out[i] = -Math.log(p.getDouble(i, label));
        return out;
    }

    /** Checks {@code coords} random coordinates of each sample's analytic gradient against central differences. */
    private static void checkGradient(Dl4jClassifier model, int samples, int coords, long seed) {
        long[] shape = model.sampleShape();
        int dims = (int) (shape[0] * shape[1] * shape[2]);
        INDArray x = randomInputs(samples, shape, DataType.DOUBLE, seed);
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) labels[i] = (3 * i + 1) % 10;
        INDArray grad = model.lossGradient(x, labels);
        assertThat(grad.shape()).containsExactly(samples, shape[0], shape[1], shape[2]);
        assertThat(grad.dataType()).isEqualTo(DataType.DOUBLE);
        INDArray gFlat = grad.reshape(samples, dims);

        double h = 1e-6;
        SplittableRandom rnd = new SplittableRandom(seed + 1);
        int checked = 0;
        double maxRel = 0;
        for (int i = 0; i < samples; i++) {
            INDArray xi = x.get(NDArrayIndex.point(i)).reshape(1, dims);
            int[] js = rnd.ints(coords, 0, dims).toArray();
            INDArray probe = Nd4j.zeros(DataType.DOUBLE, 2L * coords, dims);
            for (int c = 0; c < coords; c++) {
                probe.putRow(2L * c, xi);
                probe.putRow(2L * c + 1, xi);
                probe.putScalar(2L * c, js[c], xi.getDouble(0, js[c]) + h);
                probe.putScalar(2L * c + 1, js[c], xi.getDouble(0, js[c]) - h);
            }
            double[] l = losses(model, probe.reshape(2L * coords, shape[0], shape[1], shape[2]), labels[i]);
            for (int c = 0; c < coords; c++) {
                double numeric = (l[2 * c] - l[2 * c + 1]) / (2 * h);
                double analytic = gFlat.getDouble(i, js[c]);
                double scale = Math.max(Math.abs(numeric), Math.abs(analytic));
                double err = Math.abs(numeric - analytic);
                if (scale > 1e-8) {
                    maxRel = Math.max(maxRel, err / scale);
                    checked++;
                }
                assertThat(err)
                        .as("sample %d coordinate %d: analytic %s, numeric %s", i, js[c], analytic, numeric)
                        .isLessThanOrEqualTo(1e-4 * scale + 1e-9);
            }
        }
        // Most coordinates must have a gradient large enough for the relative check to mean something.
        assertThat(checked).isGreaterThanOrEqualTo(samples * coords / 2);
        assertThat(maxRel).isLessThan(1e-4);
    }

    @Test
    void mlpInputGradientMatchesCentralDifferences() {
        checkGradient(doubleClassifier("mlp-32", 11), 3, 20, 101);
    }

    @Test
    void cnnInputGradientMatchesCentralDifferences() {
        checkGradient(doubleClassifier("lenet", 12), 2, 20, 202);
    }

    /** A small channels-last CNN over [3, 5, 7] inputs: non-square and multi-channel, so a wrong permutation shows. */
    private static Dl4jClassifier nhwcClassifier() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(21).dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 2).nOut(4).activation(Activation.TANH).dataFormat(CNN2DFormat.NHWC).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(5, 7, 3, CNN2DFormat.NHWC))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return new Dl4jClassifier("nhwc", net, new long[]{3, 5, 7}, InputLayout.NHWC);
    }

    @Test
    void channelsLastInputGradientMatchesCentralDifferences() {
        checkGradient(nhwcClassifier(), 2, 30, 909);
    }

    @Test
    void channelsLastNetworksSeeThePermutedInput() {
        Dl4jClassifier model = nhwcClassifier();
        INDArray x = randomInputs(3, new long[]{3, 5, 7}, DataType.DOUBLE, 910);
        INDArray direct = model.network().output(x.permute(0, 2, 3, 1).dup(), false);
        assertThat(model.probabilities(x).sub(direct).amaxNumber().doubleValue()).isLessThan(1e-12);
        assertThat(Transforms.softmax(model.logits(x), true).sub(direct).amaxNumber().doubleValue()).isLessThan(1e-10);
        assertThatThrownBy(() -> model.probabilities(x.permute(0, 2, 3, 1).dup()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3, 5, 7, 3]");
    }

    private static final long[] SMALL = {1, 6, 6};

    /** A small network over [1, 6, 6] inputs ending in the given layers, in double precision. */
    private static MultiLayerNetwork smallNet(Layer... layers) {
        NeuralNetConfiguration.ListBuilder b = new NeuralNetConfiguration.Builder().seed(31).dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER).list();
        for (Layer l : layers) b.layer(l);
        MultiLayerNetwork net = new MultiLayerNetwork(b.setInputType(InputType.convolutional(6, 6, 1)).build());
        net.init();
        return net;
    }

    private static void assertLogitsAreThePreSoftmaxScores(Dl4jClassifier model) {
        INDArray x = randomInputs(4, SMALL, DataType.DOUBLE, 1001);
        INDArray probs = model.probabilities(x);
        INDArray logits = model.logits(x);
        assertThat(logits.shape()).containsExactly(4, 10);
        assertThat(Transforms.softmax(logits, true).sub(probs).amaxNumber().doubleValue())
                .as("softmax(logits) vs probabilities of %s", model.name()).isLessThan(1e-10);
    }

    @Test
    void networksEndingInALossLayerHaveLogitsAndGradients() {
        // DenseLayer(identity) + LossLayer(softmax, MCXENT): how Keras models trained from logits import.
        Dl4jClassifier model = new Dl4jClassifier("loss-layer", smallNet(
                new DenseLayer.Builder().nOut(12).activation(Activation.TANH).build(),
                new DenseLayer.Builder().nOut(10).activation(Activation.IDENTITY).build(),
                new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build()),
                SMALL, InputLayout.NCHW);
        assertThat(model.numClasses()).isEqualTo(10);
        assertLogitsAreThePreSoftmaxScores(model);
        checkGradient(model, 2, 20, 1002);
    }

    @Test
    void aSoftmaxDenseLayerBeforeAnIdentityLossLayerGivesItsPreActivation() {
        Dl4jClassifier model = new Dl4jClassifier("softmax-dense", smallNet(
                new DenseLayer.Builder().nOut(10).activation(Activation.SOFTMAX).build(),
                new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.IDENTITY).build()),
                SMALL, InputLayout.NCHW);
        assertLogitsAreThePreSoftmaxScores(model);
    }

    /**
     * Keras' common Dense(10) + Activation('softmax') imports as DenseLayer + ActivationLayer +
     * LossLayer: the parameter-free layers after the dense one must be skipped, not asked for weights.
     */
    @Test
    void aSeparateSoftmaxActivationLayerIsSupported() {
        Dl4jClassifier model = new Dl4jClassifier("keras-softmax", smallNet(
                new DenseLayer.Builder().nOut(10).activation(Activation.IDENTITY).build(),
                new ActivationLayer.Builder().activation(Activation.SOFTMAX).build(),
                new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.IDENTITY).build()),
                SMALL, InputLayout.NCHW);
        assertLogitsAreThePreSoftmaxScores(model);
    }

    /** With DenseLayer(relu) + LossLayer(softmax) the softmax input, and so the logits, is relu(z), not z. */
    @Test
    void logitsIncludeTheLastDenseLayersActivation() {
        Dl4jClassifier model = new Dl4jClassifier("relu-dense", smallNet(
                new DenseLayer.Builder().nOut(10).activation(Activation.RELU).build(),
                new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build()),
                SMALL, InputLayout.NCHW);
        assertLogitsAreThePreSoftmaxScores(model);
    }

    @Test
    void aNetworkWithoutADenseLayerIsRefusedClearly() {
        MultiLayerNetwork net = smallNet(
                new ConvolutionLayer.Builder(3, 3).nOut(10).activation(Activation.IDENTITY).build(),
                new GlobalPoolingLayer.Builder(PoolingType.AVG).build(),
                new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.SOFTMAX).build());
        assertThatThrownBy(() -> new Dl4jClassifier("all-conv", net, SMALL, InputLayout.NCHW))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no dense layer");
    }

    @Test
    void gradientRowsAreEachSamplesOwnLossGradient() {
        // Row i of a batch gradient equals the gradient of sample i alone: no averaging over the batch.
        Dl4jClassifier model = doubleClassifier("mlp-32", 13);
        INDArray x = randomInputs(4, DataType.DOUBLE, 303);
        int[] labels = {0, 5, 9, 2};
        INDArray batch = model.lossGradient(x, labels);
        for (int i = 0; i < 4; i++) {
            INDArray single = model.lossGradient(x.get(NDArrayIndex.interval(i, i + 1)).dup(), new int[]{labels[i]});
            double diff = batch.get(NDArrayIndex.point(i)).reshape(1, D).sub(single.reshape(1, D)).amaxNumber().doubleValue();
            assertThat(diff).as("row %d", i).isLessThan(1e-10);
        }
    }

    @Test
    void logitsAreLogProbabilitiesUpToARowConstant() {
        for (String arch : new String[]{"mlp-32", "lenet"}) {
            Dl4jClassifier model = doubleClassifier(arch, 14);
            INDArray x = randomInputs(3, DataType.DOUBLE, 404);
            INDArray logits = model.logits(x);
            INDArray probs = model.probabilities(x);
            assertThat(logits.shape()).containsExactly(3, 10);
            INDArray shift = Transforms.log(probs, true).sub(logits);
            for (int i = 0; i < 3; i++) {
                INDArray row = shift.getRow(i);
                double spread = row.maxNumber().doubleValue() - row.minNumber().doubleValue();
                assertThat(spread).as("%s row %d", arch, i).isLessThan(1e-8);
            }
            INDArray softmax = Transforms.softmax(logits, true);
            assertThat(softmax.sub(probs).amaxNumber().doubleValue()).as(arch).isLessThan(1e-5);
        }
    }

    @Test
    void logitsMatchProbabilitiesInFloatToo() {
        Dl4jClassifier model = new Dl4jClassifier("lenet-f", Architectures.build("lenet", SHAPE, 10, 1e-3, 15), SHAPE, InputLayout.NCHW);
        INDArray x = randomInputs(4, DataType.FLOAT, 505);
        INDArray probs = model.probabilities(x);
        INDArray softmax = Transforms.softmax(model.logits(x), true);
        assertThat(softmax.sub(probs).amaxNumber().doubleValue()).isLessThan(1e-5);
        for (int i = 0; i < 4; i++) assertThat(probs.getRow(i).sumNumber().doubleValue()).isCloseTo(1.0, within(1e-5));
        assertThat(model.predict(x)).containsExactly(Predictions.argMax(probs));
    }

    @Test
    void counterCountsSamplesNotCalls() {
        Dl4jClassifier model = new Dl4jClassifier("m", Architectures.build("mlp-32", SHAPE, 10, 1e-3, 16), SHAPE, InputLayout.FLAT);
        INDArray x = randomInputs(5, DataType.FLOAT, 606);
        Counts c0 = model.counter().snapshot();
        assertThat(c0).isEqualTo(new Counts(0, 0));
        model.probabilities(x);
        assertThat(model.counter().snapshot()).isEqualTo(new Counts(5, 0));
        model.logits(x.get(NDArrayIndex.interval(0, 2)));
        assertThat(model.counter().snapshot()).isEqualTo(new Counts(7, 0));
        model.predict(x);
        assertThat(model.counter().snapshot()).isEqualTo(new Counts(12, 0));
        model.lossGradient(x, new int[]{0, 1, 2, 3, 4});
        Counts c1 = model.counter().snapshot();
        assertThat(c1).isEqualTo(new Counts(12, 5));
        assertThat(c1.minus(c0)).isEqualTo(new Counts(12, 5));
    }

    @Test
    void rejectsInputsOfTheWrongShape() {
        Dl4jClassifier model = new Dl4jClassifier("shape-victim", Architectures.build("mlp-32", SHAPE, 10, 1e-3, 17), SHAPE, InputLayout.FLAT);
        INDArray small = randomInputs(2, DataType.FLOAT, 707).get(NDArrayIndex.all(), NDArrayIndex.all(),
                NDArrayIndex.interval(0, 14), NDArrayIndex.interval(0, 14)).dup();
        assertThatThrownBy(() -> model.probabilities(small))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 1, 14, 14]").hasMessageContaining("shape-victim").hasMessageContaining("[N, 1, 28, 28]");
        assertThatThrownBy(() -> model.logits(small)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 1, 14, 14]");
        assertThatThrownBy(() -> model.lossGradient(small, new int[]{0, 1})).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 1, 14, 14]");
        // A FLAT network still speaks NCHW at its edge: pre-flattened inputs are refused too.
        INDArray flat = randomInputs(2, DataType.FLOAT, 708).reshape(2, D);
        assertThatThrownBy(() -> model.probabilities(flat)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 784]");
        assertThatThrownBy(() -> model.probabilities(null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("null");
        assertThat(model.counter().snapshot()).isEqualTo(new Counts(0, 0));
    }

    @Test
    void rejectsLabelsOutOfRangeOrOfTheWrongCount() {
        Dl4jClassifier model = new Dl4jClassifier("label-victim", Architectures.build("mlp-32", SHAPE, 10, 1e-3, 18), SHAPE, InputLayout.FLAT);
        INDArray x = randomInputs(3, DataType.FLOAT, 808);
        assertThatThrownBy(() -> model.lossGradient(x, new int[]{0, 10, 1}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("label 10").hasMessageContaining("index 1").hasMessageContaining("[0, 9]");
        assertThatThrownBy(() -> model.lossGradient(x, new int[]{-1, 0, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("label -1").hasMessageContaining("index 0");
        assertThatThrownBy(() -> model.lossGradient(x, new int[]{0, 1}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected 3 labels, got 2");
        assertThatThrownBy(() -> model.lossGradient(x, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got null");
        assertThat(model.counter().snapshot().gradient()).isZero();
    }

    @Test
    void reportsShapeClassesAndParameters() {
        MultiLayerNetwork net = Architectures.build("mlp-32", SHAPE, 10, 1e-3, 19);
        Dl4jClassifier model = new Dl4jClassifier("meta", net, SHAPE, InputLayout.FLAT);
        assertThat(model.numClasses()).isEqualTo(10);
        assertThat(model.sampleShape()).containsExactly(1, 28, 28);
        model.sampleShape()[0] = 99;
        assertThat(model.sampleShape()).containsExactly(1, 28, 28);
        assertThat(model.network().numParams()).isEqualTo(784L * 32 + 32 + 32L * 10 + 10);
    }

    /** Direct ops and DL4J's layers compute the same function and gradient (double precision). */
    private static void assertExecutionsAgree(Dl4jClassifier direct, long[] shape, long seed) {
        assertThat(direct.execution()).as(direct.name()).isEqualTo(Dl4jClassifier.Execution.DIRECT_OPS);
        Dl4jClassifier layers = direct.withExecution(Dl4jClassifier.Execution.DL4J_LAYERS);
        assertThat(layers.execution()).isEqualTo(Dl4jClassifier.Execution.DL4J_LAYERS);
        INDArray x = randomInputs(5, shape, DataType.DOUBLE, seed);
        int[] labels = {0, 3, 9, 1, 7};
        assertThat(direct.logits(x).sub(layers.logits(x)).amaxNumber().doubleValue()).as(direct.name()).isLessThan(1e-10);
        assertThat(direct.probabilities(x).sub(layers.probabilities(x)).amaxNumber().doubleValue()).isLessThan(1e-12);
        INDArray g = direct.lossGradient(x, labels);
        INDArray ref = layers.lossGradient(x, labels);
        assertThat(g.shape()).containsExactly(ref.shape());
        assertThat(g.sub(ref).amaxNumber().doubleValue()).as("%s gradient", direct.name())
                .isLessThan(1e-10 * Math.max(1, ref.amaxNumber().doubleValue()));
    }

    @Test
    void directOpsAgreeWithDl4jLayersOnLeNetMlpAndChannelsLast() {
        assertExecutionsAgree(doubleClassifier("lenet", 40), SHAPE, 4001);
        assertExecutionsAgree(doubleClassifier("mlp-32-16", 41), SHAPE, 4002);
        assertExecutionsAgree(nhwcClassifier(), new long[]{3, 5, 7}, 4003);
        // The Keras import shape: a softmax dense layer followed by an identity cross-entropy loss layer.
        assertExecutionsAgree(new Dl4jClassifier("softmax-dense", smallNet(
                new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.SIGMOID).build(),
                new DenseLayer.Builder().nOut(10).activation(Activation.SOFTMAX).build(),
                new LossLayer.Builder(LossFunctions.LossFunction.MCXENT).activation(Activation.IDENTITY).build()),
                SMALL, InputLayout.NCHW), SMALL, 4004);
    }

    @Test
    void aConvolutionThatSkipsInputRowsFallsBackToDl4jPerBatchAndStaysCorrect() {
        // 3x3 windows at stride 2 over 6x6 read rows 0-4 only: its input gradient is not a plain deconvolution.
        Dl4jClassifier model = new Dl4jClassifier("strided", smallNet(
                new ConvolutionLayer.Builder(3, 3).stride(2, 2).nOut(4).activation(Activation.RELU).build(),
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build()),
                SMALL, InputLayout.NCHW);
        assertExecutionsAgree(model, SMALL, 4005);
        checkGradient(model, 2, 20, 4006);
    }

    /**
     * The imported Keras LeNet is channels-last: DL4J's oneDNN convolution helper (on in RobustGate's
     * own builds, see OneDnnLayers) gave its input gradient wrong by up to 0.68 through DL4J's layers.
     */
    @Test
    void channelsLastKerasNetworksGetTorchsGradientThroughDl4jLayersToo() {
        var lenet = TestModelFiles.Model.LENET;
        Dl4jClassifier direct = (Dl4jClassifier) dev.robustgate.model.load.ModelFiles.load(lenet.keras());
        Dl4jClassifier layers = direct.withExecution(Dl4jClassifier.Execution.DL4J_LAYERS);
        assertThat(layers.layout()).isEqualTo(InputLayout.NHWC);
        for (var layer : layers.network().getLayers()) {
            if (layer instanceof org.deeplearning4j.nn.layers.convolution.ConvolutionLayer conv) {
                assertThat(conv.getHelper()).as("channels-last convolutions run without the oneDNN helper").isNull();
            }
        }
        INDArray torch = lenet.torchGradients();
        INDArray x = lenet.images(8);
        for (Dl4jClassifier model : new Dl4jClassifier[]{direct, layers}) {
            INDArray g = model.lossGradient(x, lenet.labels(8)).reshape(torch.shape());
            assertThat(g.sub(torch).amaxNumber().doubleValue()).as(model.execution().name()).isLessThan(1e-5);
        }
    }

    @Test
    void layersWithoutADirectOpRunOnDl4j() {
        Dl4jClassifier model = new Dl4jClassifier("avg-pool", smallNet(
                new ConvolutionLayer.Builder(3, 3).nOut(4).activation(Activation.RELU).build(),
                new org.deeplearning4j.nn.conf.layers.SubsamplingLayer.Builder(
                        org.deeplearning4j.nn.conf.layers.SubsamplingLayer.PoolingType.AVG).kernelSize(2, 2).stride(2, 2).build(),
                new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build()),
                SMALL, InputLayout.NCHW);
        assertThat(model.execution()).isEqualTo(Dl4jClassifier.Execution.DL4J_LAYERS);
        checkGradient(model, 2, 20, 4007);
    }

    @Test
    void oneChannelChannelsLastInputsAreReshapedNotPermutedAndStayCorrect() {
        // One channel: NCHW and NHWC share their memory order, so the adapter reshapes instead of copying a permute.
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(22).dataType(DataType.DOUBLE)
                .weightInit(WeightInit.XAVIER).list()
                .layer(new ConvolutionLayer.Builder(3, 2).nOut(4).activation(Activation.RELU).dataFormat(CNN2DFormat.NHWC).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutional(5, 7, 1, CNN2DFormat.NHWC))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        long[] shape = {1, 5, 7};
        Dl4jClassifier model = new Dl4jClassifier("nhwc-1", net, shape, InputLayout.NHWC);
        INDArray x = randomInputs(3, shape, DataType.DOUBLE, 4010);
        INDArray direct = net.output(x.permute(0, 2, 3, 1).dup(), false);
        assertThat(model.probabilities(x).sub(direct).amaxNumber().doubleValue()).isLessThan(1e-12);
        assertExecutionsAgree(model, shape, 4011);
        checkGradient(model, 2, 20, 4012);
    }
}
