package dev.robustgate.inversion;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Deconvolution2D;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossBinaryXENT;

/**
 * The two DL4J graphs of the conditional DCGAN ({@link DcganConfig} describes the layers):
 * <ul>
 *   <li>{@link #discriminator}: inputs image [N, 1, 28, 28] and one-hot label [N, K], output
 *       sigmoid(logit) with binary cross-entropy;</li>
 *   <li>{@link #generatorThroughDiscriminator}: inputs z and the label; the generator (vertices
 *       {@code g_*}, output {@link #GENERATOR_OUTPUT}) feeds a copy of the discriminator's layers
 *       (same names) whose updater is SGD with step 0, so that fitting this graph to "real" trains
 *       the generator through the discriminator's input gradient and leaves the discriminator as it
 *       was. The copy's weights are the discriminator's, assigned before every generator step.</li>
 * </ul>
 * Why a copy rather than one graph: a DL4J ComputationGraph gives no gradient with respect to its
 * inputs, and a discriminator shared between the real and the fake path would need weight sharing.
 * Both graphs run BatchNorm in training mode during training, as the source material's networks do.
 * Weights start as PyTorch's default layers do, U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 */
final class DcganNetworks {
    static final String IMAGE = "image", LABEL = "label", NOISE = "z";
    static final String GENERATOR_OUTPUT = "g_out", DISCRIMINATOR_OUTPUT = "d_loss";
    private static final int SIDE = 28;

    private DcganNetworks() {}

    static ComputationGraph discriminator(DcganConfig c, int classes) {
        var g = base(c.seed() + 1).graphBuilder().addInputs(IMAGE, LABEL);
        addDiscriminator(g, c, classes, IMAGE, LABEL, new Adam(c.discriminatorLr(), c.discriminatorBeta1(), DcganConfig.BETA2, 1e-8));
        g.setOutputs(DISCRIMINATOR_OUTPUT).setInputTypes(InputType.convolutional(SIDE, SIDE, 1), InputType.feedForward(classes));
        return init(g.build());
    }

    static ComputationGraph generatorThroughDiscriminator(DcganConfig c, int classes) {
        var g = base(c.seed()).graphBuilder().addInputs(NOISE, LABEL);
        addGenerator(g, c, classes, new Adam(c.generatorLr(), c.generatorBeta1(), DcganConfig.BETA2, 1e-8));
        addDiscriminator(g, c, classes, GENERATOR_OUTPUT, LABEL, new Sgd(0.0));
        g.setOutputs(DISCRIMINATOR_OUTPUT).setInputTypes(InputType.feedForward(c.noiseDim()), InputType.feedForward(classes));
        return init(g.build());
    }

    private static NeuralNetConfiguration.Builder base(long seed) {
        dev.robustgate.model.OneDnnLayers.enable();
        return new NeuralNetConfiguration.Builder().seed(seed).dataType(DataType.FLOAT)
                .convolutionMode(ConvolutionMode.Truncate);
    }

    private static ComputationGraph init(ComputationGraphConfiguration conf) {
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /** noise -> 4x4 map; label -> dense; concatenated -> dense -> 4x4 -> 7x7 -> 14x14 -> 28x28 sigmoid. */
    private static void addGenerator(ComputationGraphConfiguration.GraphBuilder g, DcganConfig c, int classes, IUpdater u) {
        int b = c.base(), map = b * 4 * 4;
        g.addLayer("g_noise", dense(c.noiseDim(), map, Activation.IDENTITY, false, u), NOISE)
                .addLayer("g_noise_bn", new BatchNormalization.Builder().nOut(b).activation(Activation.RELU).updater(u).build(), "g_noise")
                .inputPreProcessor("g_noise_bn", new FeedForwardToCnnPreProcessor(4, 4, b))
                .addVertex("g_noise_flat", new PreprocessorVertex(new CnnToFeedForwardPreProcessor(4, 4, b)), "g_noise_bn")
                .addLayer("g_label", dense(classes, c.labelUnits(), Activation.RELU, true, u), LABEL)
                .addVertex("g_concat", new MergeVertex(), "g_noise_flat", "g_label")
                .addLayer("g_mix", dense(map + c.labelUnits(), map, Activation.IDENTITY, true, u), "g_concat")
                .addLayer("g_up1", deconv(b, 4 * b, 3, u), "g_mix")
                .inputPreProcessor("g_up1", new FeedForwardToCnnPreProcessor(4, 4, b))
                .addLayer("g_up1_bn", new BatchNormalization.Builder().nOut(4 * b).activation(Activation.RELU).updater(u).build(), "g_up1")
                .addLayer("g_up2", deconv(4 * b, 2 * b, 4, u), "g_up1_bn")
                .addLayer("g_up2_bn", new BatchNormalization.Builder().nOut(2 * b).activation(Activation.RELU).updater(u).build(), "g_up2")
                .addLayer(GENERATOR_OUTPUT, deconv(2 * b, 1, 4, u, Activation.SIGMOID), "g_up2_bn");
    }

    /** image -> 14x14 map; label -> dense; concatenated -> dense -> 14x14 -> 7x7 -> 3x3 -> logit. */
    private static void addDiscriminator(ComputationGraphConfiguration.GraphBuilder g, DcganConfig c, int classes, String image, String label,
                                         IUpdater u) {
        int b = c.base(), map = b * 14 * 14;
        var leaky = new ActivationLReLU(0.2);
        g.addLayer("d_down1", conv(1, b, u).activation(leaky).build(), image)
                .addVertex("d_down1_flat", new PreprocessorVertex(new CnnToFeedForwardPreProcessor(14, 14, b)), "d_down1")
                .addLayer("d_label", dense(classes, c.labelUnits(), Activation.RELU, true, u), label)
                .addVertex("d_concat", new MergeVertex(), "d_down1_flat", "d_label")
                .addLayer("d_mix", dense(map + c.labelUnits(), map, Activation.IDENTITY, true, u), "d_concat")
                .addLayer("d_down2", conv(b, 2 * b, u).build(), "d_mix")
                .inputPreProcessor("d_down2", new FeedForwardToCnnPreProcessor(14, 14, b))
                .addLayer("d_down2_bn", new BatchNormalization.Builder().nOut(2 * b).activation(leaky).updater(u).build(), "d_down2")
                .addLayer("d_down3", conv(2 * b, 4 * b, u).build(), "d_down2_bn")
                .addLayer("d_down3_bn", new BatchNormalization.Builder().nOut(4 * b).activation(leaky).updater(u).build(), "d_down3")
                .addLayer("d_logit", conv(4 * b, 1, u).build(), "d_down3_bn")
                .addLayer(DISCRIMINATOR_OUTPUT, new LossLayer.Builder(new LossBinaryXENT()).activation(Activation.SIGMOID).build(), "d_logit");
    }

    private static DenseLayer dense(int nIn, int nOut, Activation a, boolean bias, IUpdater u) {
        return new DenseLayer.Builder().nIn(nIn).nOut(nOut).activation(a).hasBias(bias).updater(u).weightInit(uniform(nIn)).build();
    }

    /** 4x4 kernel, stride 2, padding 1, no bias: halves the side (28 -> 14 -> 7 -> 3 -> 1). */
    private static ConvolutionLayer.Builder conv(int nIn, int nOut, IUpdater u) {
        return new ConvolutionLayer.Builder(4, 4).stride(2, 2).padding(1, 1).nIn(nIn).nOut(nOut).hasBias(false)
                .activation(Activation.IDENTITY).weightInit(uniform(nIn * 16)).updater(u);
    }

    private static Deconvolution2D deconv(int nIn, int nOut, int kernel, IUpdater u) {
        return deconv(nIn, nOut, kernel, u, Activation.IDENTITY);
    }

    /** Stride 2, padding 1, no bias: kernel 3 maps 4 -> 7, kernel 4 doubles (7 -> 14 -> 28). */
    private static Deconvolution2D deconv(int nIn, int nOut, int kernel, IUpdater u, Activation a) {
        // PyTorch's fan_in of a transposed convolution is out_channels x kernel area.
        return new Deconvolution2D.Builder(kernel, kernel).stride(2, 2).padding(1, 1).nIn(nIn).nOut(nOut).hasBias(false)
                .activation(a).weightInit(uniform(nOut * kernel * kernel)).updater(u).build();
    }

    private static UniformDistribution uniform(int fanIn) {
        double bound = 1.0 / Math.sqrt(fanIn);
        return new UniformDistribution(-bound, bound);
    }
}
