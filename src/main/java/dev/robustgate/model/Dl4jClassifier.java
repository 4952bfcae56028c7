package dev.robustgate.model;

import dev.robustgate.data.Dataset;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;


/**
 * Adapts a DL4J {@link MultiLayerNetwork} whose last layer is a softmax output layer with
 * cross-entropy loss. The adapter owns the layout conversion and the dropout pitfall:
 * {@code calculateGradients} runs the forward pass in training mode, so dropout is removed
 * from every layer once, here, for the network's whole life as a victim. Supported networks run
 * through {@link DirectOpsNetwork} instead of DL4J's layers (see {@link Execution}).
 */
public final class Dl4jClassifier implements DifferentiableClassifier {
    private final String name;
    private final MultiLayerNetwork net;
    private final long[] sampleShape;
    private final int numClasses;
    private final InputLayout layout;
    /** The dense layer whose pre-activation is the logits: the output layer, or the one before a LossLayer. */
    private final int logitLayer;
    /** Whether the logit layer applies softmax itself (then its pre-activation is the logits). */
    private final boolean logitLayerIsSoftmax;
    private final EvaluationCounter counter = new EvaluationCounter();
    /** The network run op by op, or null when a layer of this network is not supported that way. */
    private final DirectOpsNetwork directOps;

    /**
     * How the network is evaluated. {@code DIRECT_OPS} (the default wherever the network's layers
     * allow it) runs each layer as one libnd4j op and backpropagates only the input gradient;
     * {@code DL4J_LAYERS} uses DL4J's {@code output} and {@code calculateGradients}, which also
     * compute every parameter gradient. Both agree up to float rounding (see
     * Dl4jClassifierTest). The system property {@code robustgate.execution} (direct-ops or
     * dl4j-layers) changes the default, for A/B measurements.
     */
    public enum Execution {
        DIRECT_OPS, DL4J_LAYERS;

        static Execution fromSystemProperty() {
            String v = System.getProperty("robustgate.execution", "direct-ops");
            return switch (v) {
                case "direct-ops" -> DIRECT_OPS;
                case "dl4j-layers" -> DL4J_LAYERS;
                default -> throw new IllegalArgumentException("robustgate.execution must be input-only or "
                        + "full-backprop, got '" + v + "'");
            };
        }
    }

    public Dl4jClassifier(String name, MultiLayerNetwork net, long[] sampleShape, InputLayout layout) {
        this(name, net, sampleShape, layout, Execution.fromSystemProperty());
    }

    public Dl4jClassifier(String name, MultiLayerNetwork net, long[] sampleShape, InputLayout layout, Execution mode) {
        this.name = name;
        this.net = net;
        this.sampleShape = sampleShape.clone();
        this.layout = layout;
        if (!(net.getOutputLayer() instanceof IOutputLayer)) {
            throw new IllegalArgumentException(name + ": the network's last layer has no loss function (an output or "
                    + "loss layer is needed for input gradients)");
        }
        for (NeuralNetConfiguration conf : net.getLayerWiseConfigurations().getConfs()) {
            if (conf.getLayer() instanceof BatchNormalization) {
                // calculateGradients runs in training mode: batch statistics would make each sample's
                // gradient depend on the rest of its batch.
                throw new IllegalArgumentException(name + ": networks with BatchNormalization are not supported yet "
                        + "(layer " + conf.getLayer().getLayerName() + ")");
            }
        }
        this.logitLayer = lastDenseLayer(net);
        this.logitLayerIsSoftmax = appliesSoftmax(net, logitLayer);
        this.numClasses = (int) net.getLayer(logitLayer).paramTable().get("W").size(1);
        clearDropout(net);
        OneDnnLayers.withoutChannelsLastConvolutionHelpers(net);
        this.directOps = mode == Execution.DIRECT_OPS ? DirectOpsNetwork.of(net).orElse(null) : null;
    }

    /** The same network (shared, not copied) with another gradient mode and a fresh counter. */
    public Dl4jClassifier withExecution(Execution mode) {
        return new Dl4jClassifier(name, net, sampleShape, layout, mode);
    }

    /** The mode in effect: DIRECT_OPS only when it was asked for and the network supports it. */
    public Execution execution() {
        return directOps != null ? Execution.DIRECT_OPS : Execution.DL4J_LAYERS;
    }

    private static int lastDenseLayer(MultiLayerNetwork net) {
        for (int i = net.getnLayers() - 1; i >= 0; i--) {
            // Parameter-free layers (activation, pooling, loss) throw on getParam: ask numParams first.
            if (net.getLayer(i).numParams() > 0) {
                INDArray w = net.getLayer(i).paramTable().get("W");
                if (w != null && w.rank() == 2) return i;
            }
        }
        throw new IllegalArgumentException("the network has no dense layer to read logits from");
    }

    /** True when the logit layer applies softmax itself, so its pre-activation is the logits. */
    private static boolean appliesSoftmax(MultiLayerNetwork net, int layer) {
        var conf = net.getLayerWiseConfigurations().getConf(layer).getLayer();
        return conf instanceof BaseLayer b && b.getActivationFn() instanceof ActivationSoftmax;
    }

    /** Removes dropout from every layer, so training-mode forward passes equal inference. */
    public static void clearDropout(MultiLayerNetwork net) {
        for (NeuralNetConfiguration conf : net.getLayerWiseConfigurations().getConfs()) {
            conf.getLayer().setIDropout(null);
        }
    }

    public MultiLayerNetwork network() { return net; }
    public InputLayout layout() { return layout; }

    @Override public String name() { return name; }
    @Override public long[] sampleShape() { return sampleShape.clone(); }
    @Override public int numClasses() { return numClasses; }
    @Override public EvaluationCounter counter() { return counter; }

    @Override
    public synchronized INDArray probabilities(INDArray inputs) {
        InputChecks.requireBatchOf(this, inputs);
        counter.addForward(inputs.size(0));
        if (directOps != null) {
            return Transforms.softmax(directOps.logits(toNetwork(inputs)), false);
        }
        return net.output(toNetwork(inputs), false);
    }

    @Override
    public synchronized INDArray logits(INDArray inputs) {
        InputChecks.requireBatchOf(this, inputs);
        counter.addForward(inputs.size(0));
        int k = logitLayer;
        INDArray x = toNetwork(inputs);
        if (directOps != null) {
            return directOps.logits(x);
        }
        if (!logitLayerIsSoftmax) {
            // Softmax comes later (an ActivationLayer or LossLayer): the layer's output is the logits.
            return net.feedForwardToLayer(k, x, false).get(k + 1).dup();
        }
        INDArray h = k == 0 ? x : net.feedForwardToLayer(k - 1, x, false).get(k);
        InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(k);
        if (pre != null) {
            h = pre.preProcess(h, (int) h.size(0), LayerWorkspaceMgr.noWorkspaces());
        }
        INDArray w = net.getLayer(k).getParam("W");
        INDArray b = net.getLayer(k).getParam("b");
        return h.mmul(w).addiRowVector(b);
    }

    @Override
    public synchronized INDArray lossGradient(INDArray inputs, int[] labels) {
        InputChecks.requireBatchOf(this, inputs);
        InputChecks.requireLabels(this, labels, inputs.size(0));
        counter.addGradient(inputs.size(0));
        INDArray y = Dataset.oneHot(labels, numClasses);
        INDArray x = toNetwork(inputs);
        INDArray g = directOps == null ? null : directOps.gradient(x, y.castTo(x.dataType()));
        if (g == null) {
            g = net.calculateGradients(x, y, null, null).getSecond();
        }
        return fromNetwork(g, inputs.shape());
    }

    @Override public boolean seedsLogitGradient() { return directOps != null; }

    /**
     * One backward pass seeded with the weights on the op-by-op path; DL4J's layers offer only the
     * loss gradient, so there the interface's cross-entropy route is taken (one pass per class).
     */
    @Override
    public synchronized INDArray logitGradient(INDArray inputs, INDArray weights) {
        InputChecks.requireBatchOf(this, inputs);
        if (directOps == null) return DifferentiableClassifier.super.logitGradient(inputs, weights);
        InputChecks.requireLogitWeights(this, inputs, weights);
        INDArray x = toNetwork(inputs);
        INDArray g = directOps.logitGradient(x, weights.castTo(x.dataType()));
        if (g == null) return DifferentiableClassifier.super.logitGradient(inputs, weights);
        counter.addGradient(inputs.size(0));
        return fromNetwork(g, inputs.shape());
    }

    /** {@code x} in RobustGate's NCHW order, as the network takes it (its own layout). */
    public INDArray toNetwork(INDArray x) {
        return switch (layout) {
            case NCHW -> x;
            case FLAT -> x.reshape(x.size(0), x.length() / x.size(0));
            // One channel: NCHW and NHWC hold the same numbers in the same order, a reshape suffices.
            case NHWC -> sampleShape[0] == 1 ? x.reshape('c', x.size(0), sampleShape[1], sampleShape[2], 1)
                    : x.permute(0, 2, 3, 1).dup();
        };
    }

    private INDArray fromNetwork(INDArray g, long[] shape) {
        // dup: the gradient may live in DL4J's workspace memory, which the next call reuses.
        return switch (layout) {
            case NCHW, FLAT -> g.reshape(shape).dup();
            case NHWC -> sampleShape[0] == 1 ? g.reshape('c', shape).dup() : g.permute(0, 3, 1, 2).dup();
        };
    }
}
