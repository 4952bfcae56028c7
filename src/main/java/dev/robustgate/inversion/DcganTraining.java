package dev.robustgate.inversion;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.List;
import java.util.Random;

/**
 * The conditional DCGAN's training steps, one {@link #iterate} per batch of real images with the
 * victim's labels, as the source material's loop runs them: a discriminator step (on every
 * {@code discriminatorEvery}-th iteration) on the real batch and on fakes drawn for the same labels,
 * its two binary cross-entropies summed into one Adam step; then a generator step that fits the
 * generator-through-discriminator graph to "real" on fresh noise, the discriminator's weights
 * copied in first and held fixed (its updater there is SGD with step 0). Seeded: the noise and the
 * random real targets come from one {@link Random}, the weights from the configuration's seed.
 */
final class DcganTraining {
    private final DcganConfig config;
    private final ComputationGraph discriminator;
    private final ComputationGraph generator;
    private final Random random;
    private int iterations, discriminatorSteps, generatorSteps;

    DcganTraining(DcganConfig config, int classes, Random random) {
        this.config = config;
        this.random = random;
        this.discriminator = DcganNetworks.discriminator(config, classes);
        this.generator = DcganNetworks.generatorThroughDiscriminator(config, classes);
    }

    /** One iteration on real images [B, 1, 28, 28] with one-hot victim labels [B, K]. */
    void iterate(INDArray real, INDArray labels) {
        iterations++;
        if (iterations % config.discriminatorEvery() == 0) {
            discriminatorStep(real, labels, generate(noise((int) labels.size(0)), labels, true));
        }
        generatorStep(labels);
    }

    /** Real -> 1 (U(0, 1) for the first noisyRealIterations iterations), fake -> 0; one Adam step on the sum. */
    void discriminatorStep(INDArray real, INDArray labels, INDArray fake) {
        int n = (int) real.size(0);
        INDArray realTargets = iterations <= config.noisyRealIterations() ? uniform(n) : Nd4j.ones(DataType.FLOAT, n, 1);
        INDArray realGradient = gradient(real, labels, realTargets).dup();
        Gradient sum = gradientOn(fake, labels, Nd4j.zeros(DataType.FLOAT, n, 1));
        sum.gradient().addi(realGradient);
        discriminator.getUpdater().update(sum, discriminatorSteps++, 0, n, LayerWorkspaceMgr.noWorkspaces());
        discriminator.params().subi(sum.gradient());
    }

    /** Non-saturating: fakes for {@code labels} labelled real, gradients through the fixed discriminator. */
    void generatorStep(INDArray labels) {
        copyDiscriminatorIntoGenerator();
        int n = (int) labels.size(0);
        generator.fit(new MultiDataSet(new INDArray[]{noise(n), labels}, new INDArray[]{Nd4j.ones(DataType.FLOAT, n, 1)}));
        generatorSteps++;
    }

    /** Images [N, 1, 28, 28] in [0, 1]; {@code training} uses batch statistics in BatchNorm, else the running ones. */
    INDArray generate(INDArray z, INDArray labels, boolean training) {
        return generator.output(List.of(DcganNetworks.GENERATOR_OUTPUT), training, new INDArray[]{z, labels}, null)[0];
    }

    /** z ~ N(0, I), [n, noiseDim], from the seeded random. */
    INDArray noise(int n) {
        float[] z = new float[n * config.noiseDim()];
        for (int i = 0; i < z.length; i++) z[i] = (float) random.nextGaussian();
        return Nd4j.create(z, new long[]{n, config.noiseDim()}, 'c');
    }

    int discriminatorSteps() { return discriminatorSteps; }
    INDArray discriminatorParams() { return discriminator.params(); }
    /** The generator's own weights (the g_* layers of the generator-through-discriminator graph). */
    INDArray generatorParams() {
        return Nd4j.toFlattened(java.util.Arrays.stream(generator.getLayers())
                .filter(l -> l.conf().getLayer().getLayerName().startsWith("g_") && l.numParams() > 0)
                .map(Layer::params).toList());
    }
    int generatorSteps() { return generatorSteps; }

    /** Discriminator's output D(x, y) in (0, 1) for inspection, training-mode BatchNorm as in training. */
    INDArray discriminate(INDArray images, INDArray labels) {
        return discriminator.output(true, images, labels)[0];
    }

    private INDArray gradient(INDArray images, INDArray labels, INDArray targets) {
        return gradientOn(images, labels, targets).gradient();
    }

    private Gradient gradientOn(INDArray images, INDArray labels, INDArray targets) {
        discriminator.setInputs(images, labels);
        discriminator.setLabels(targets);
        discriminator.computeGradientAndScore();
        return discriminator.gradient();
    }

    private void copyDiscriminatorIntoGenerator() {
        for (Layer layer : discriminator.getLayers()) {
            if (layer.numParams() == 0) continue;
            generator.getLayer(layer.conf().getLayer().getLayerName()).setParams(layer.params());
        }
    }

    private INDArray uniform(int n) {
        float[] t = new float[n];
        for (int i = 0; i < n; i++) t[i] = random.nextFloat();
        return Nd4j.create(t, new long[]{n, 1}, 'c');
    }
}
