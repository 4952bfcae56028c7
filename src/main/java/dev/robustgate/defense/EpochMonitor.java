package dev.robustgate.defense;

import dev.robustgate.data.Dataset;
import dev.robustgate.event.DefenseEpoch;
import dev.robustgate.event.EventBus;
import dev.robustgate.event.TrainingEpoch;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Scores the network after every epoch: clean accuracy on the whole check split (the
 * {@link TrainingEpoch} every victim publishes) and, for a defense, clean and adversarial loss and
 * accuracy on a fixed sample of it (the {@link DefenseEpoch}). The network is scored as it will be
 * deployed: when {@code deployedOutput} is set, the output activation is swapped for the
 * evaluation and restored after.
 */
final class EpochMonitor {
    /** Held-out samples scored under attack after each epoch: enough for +-3% on an accuracy, cheap for an MLP. */
    static final int MONITOR_SAMPLES = 1000;
    private static final int BATCH = 500;

    private final TrainingSetup setup;
    private final String defense;
    private final Adversary adversary;
    private final IActivation deployedOutput;
    private final Dataset monitorSet;

    private EpochMonitor(TrainingSetup setup, String defense, Adversary adversary, IActivation deployedOutput) {
        this.setup = setup;
        this.defense = defense;
        this.adversary = adversary;
        this.deployedOutput = deployedOutput;
        this.monitorSet = adversary == null ? null
                : setup.check().sample(Math.min(MONITOR_SAMPLES, setup.check().size()), setup.seed());
    }

    static EpochMonitor cleanOnly(TrainingSetup setup) {
        return new EpochMonitor(setup, null, null, null);
    }

    /** Also scores {@code adversary}'s examples, crafted against the network as deployed. */
    static EpochMonitor against(TrainingSetup setup, String defense, Adversary adversary, IActivation deployedOutput) {
        return new EpochMonitor(setup, defense, adversary, deployedOutput);
    }

    void afterEpoch(String phase, MultiLayerNetwork net, int epoch, double trainLoss, double seconds) {
        IActivation training = outputActivation(net);
        if (deployedOutput != null) setOutputActivation(net, deployedOutput);
        try {
            double accuracy = score(net, setup.check().features(), setup.check().labelsOneHot())[1];
            EventBus.emit(new TrainingEpoch(phase, epoch, setup.epochs(), trainLoss, accuracy, seconds));
            if (adversary == null) return;
            INDArray x = monitorSet.features().reshape(setup.batchShape(monitorSet.size()));
            INDArray y = monitorSet.labelsOneHot();
            double[] clean = score(net, x, y);
            INDArray adv = adversary.craft(net, x, y, TrainingLoop.mix(setup.seed(), epoch, -1));
            double[] attacked = score(net, adv, y);
            EventBus.emit(new DefenseEpoch(phase, defense, epoch, setup.epochs(), trainLoss, clean[0], clean[1],
                    adversary.describe(), attacked[0], attacked[1], monitorSet.size(), seconds));
        } finally {
            if (deployedOutput != null) setOutputActivation(net, training);
        }
    }

    /** {mean cross-entropy, accuracy} of {@code net} on inputs {@code x} with one-hot labels {@code y}. */
    private double[] score(MultiLayerNetwork net, INDArray x, INDArray y) {
        long n = x.size(0);
        INDArray flat = x.reshape(n, x.length() / n);
        double loss = 0;
        long correct = 0;
        for (long from = 0; from < n; from += BATCH) {
            long to = Math.min(n, from + BATCH);
            INDArray xb = flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)).reshape(setup.batchShape(to - from));
            INDArray yb = y.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to), org.nd4j.linalg.indexing.NDArrayIndex.all());
            INDArray p = net.output(xb, false);
            INDArray pTrue = p.mul(yb).sum(1);
            loss -= org.nd4j.linalg.ops.transforms.Transforms.log(pTrue.addi(1e-12), false).sumNumber().doubleValue();
            INDArray pred = p.argMax(1);
            INDArray truth = yb.argMax(1);
            correct += pred.eq(truth).castTo(org.nd4j.linalg.api.buffer.DataType.INT).sumNumber().longValue();
        }
        return new double[]{loss / n, (double) correct / n};
    }

    static IActivation outputActivation(MultiLayerNetwork net) {
        return outputConf(net).getActivationFn();
    }

    /** The layer reads its configuration's activation on every pass, so this takes effect at once. */
    static void setOutputActivation(MultiLayerNetwork net, IActivation activation) {
        outputConf(net).setActivationFn(activation);
    }

    private static BaseLayer outputConf(MultiLayerNetwork net) {
        var conf = net.getLayerWiseConfigurations().getConf(net.getnLayers() - 1).getLayer();
        if (!(conf instanceof BaseLayer b)) {
            throw new IllegalArgumentException("the network's last layer (" + conf.getClass().getSimpleName()
                    + ") has no activation to set");
        }
        return b;
    }
}
