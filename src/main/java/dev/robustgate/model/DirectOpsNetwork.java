package dev.robustgate.model;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A DL4J network evaluated op by op: each layer's forward pass is one libnd4j op (conv2d with
 * bias, maxpool2d, gemm) with its activation applied in place, and the input gradient of the summed
 * softmax cross-entropy is backpropagated as the error signal alone, with no weight or bias
 * gradients. DL4J's {@code calculateGradients} computes every parameter gradient as well (about a
 * third of the arithmetic of a CNN's gradient step) and its layers add workspace bookkeeping and
 * copies; attacks need none of it.
 *
 * <p>Only the layer kinds written here are accepted (convolution without "same" padding, max
 * pooling, dense, activation, a softmax output layer or a softmax dense layer followed by a
 * cross-entropy loss layer, and the CNN/flat preprocessors); {@link #of} returns empty for
 * anything else and the caller uses DL4J's layers. Activation derivatives are read from each
 * layer's output (ReLU, tanh, sigmoid, identity), so no pre-activations are kept.
 */
final class DirectOpsNetwork {
    private final MultiLayerNetwork net;
    /** The softmax layer: backpropagation starts at its pre-activation with p - y. */
    private final int softmaxLayer;

    private DirectOpsNetwork(MultiLayerNetwork net, int softmaxLayer) {
        this.net = net;
        this.softmaxLayer = softmaxLayer;
    }

    /** The fast path for {@code net}, or empty when one of its layers is not supported here. */
    static Optional<DirectOpsNetwork> of(MultiLayerNetwork net) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        int n = net.getnLayers();
        Layer last = conf.getConf(n - 1).getLayer();
        int softmax;
        if (last instanceof OutputLayer o && isSoftmax(o.getActivationFn()) && isCrossEntropy(o.getLossFn())) {
            softmax = n - 1;
        } else if (last instanceof LossLayer l && l.getActivationFn() instanceof ActivationIdentity
                && isCrossEntropy(l.getLossFn()) && n >= 2
                && conf.getConf(n - 2).getLayer() instanceof DenseLayer d && isSoftmax(d.getActivationFn())
                && conf.getInputPreProcess(n - 1) == null) {
            softmax = n - 2;
        } else {
            return Optional.empty();
        }
        for (int i = 0; i <= softmax; i++) {
            if (!supported(conf.getConf(i).getLayer(), i == softmax)) return Optional.empty();
            InputPreProcessor pre = conf.getInputPreProcess(i);
            if (pre != null && !(pre instanceof CnnToFeedForwardPreProcessor || pre instanceof FeedForwardToCnnPreProcessor)) {
                return Optional.empty();
            }
        }
        return Optional.of(new DirectOpsNetwork(net, softmax));
    }

    private static boolean isSoftmax(IActivation a) {
        return a instanceof ActivationSoftmax;
    }

    private static boolean isCrossEntropy(ILossFunction loss) {
        // Unweighted only: a weighted loss scales classes differently.
        // (LossNegativeLogLikelihood is a LossMCXENT.)
        return loss instanceof LossMCXENT m && m.getWeights() == null;
    }

    private static boolean supported(Layer layer, boolean isSoftmaxLayer) {
        if (layer instanceof BaseLayer b && (b.getWeightNoise() != null)) return false;
        if (isSoftmaxLayer) {
            return layer.getClass() == DenseLayer.class || layer.getClass() == OutputLayer.class;
        }
        if (layer.getClass() == DenseLayer.class) {
            return !((DenseLayer) layer).hasLayerNorm() && derivableFromOutput(((DenseLayer) layer).getActivationFn());
        }
        if (layer.getClass() == ActivationLayer.class) {
            return derivableFromOutput(((ActivationLayer) layer).getActivationFn());
        }
        if (layer.getClass() == ConvolutionLayer.class) {
            ConvolutionLayer c = (ConvolutionLayer) layer;
            return c.getConvolutionMode() != ConvolutionMode.Same && c.getConvolutionMode() != ConvolutionMode.Causal
                    && derivableFromOutput(c.getActivationFn());
        }
        if (layer.getClass() == SubsamplingLayer.class) {
            SubsamplingLayer s = (SubsamplingLayer) layer;
            return s.getPoolingType() == PoolingType.MAX && s.getConvolutionMode() != ConvolutionMode.Same
                    && s.getConvolutionMode() != ConvolutionMode.Causal;
        }
        return false;
    }

    private static boolean derivableFromOutput(IActivation a) {
        return a instanceof ActivationReLU r ? r.getMax() == null && zeroOrUnset(r.getThreshold()) && zeroOrUnset(r.getNegativeSlope())
                : a instanceof ActivationIdentity || a instanceof ActivationTanH || a instanceof ActivationSigmoid;
    }

    private static boolean zeroOrUnset(Double v) {
        return v == null || v == 0.0;
    }

    /**
     * The outputs of layers 0..softmaxLayer for the network-layout input {@code x}: element i is the
     * input of layer i (before its preprocessor), element i + 1 its output, and the last element the
     * logits (the softmax layer's pre-activation, not its softmax).
     *
     * <p>Each layer runs as one libnd4j op (conv2d with bias, maxpool2d, gemm) with activations
     * applied in place, instead of DL4J's layer objects with their workspace bookkeeping and
     * copies; measured 1.2-1.5x faster on the LeNet forward pass (see README, Benchmarks).
     */
    List<INDArray> forward(INDArray x) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        LayerWorkspaceMgr noWs = LayerWorkspaceMgr.noWorkspaces();
        List<INDArray> acts = new ArrayList<>(softmaxLayer + 2);
        acts.add(x);
        INDArray h = x;
        for (int i = 0; i <= softmaxLayer; i++) {
            Layer layer = conf.getConf(i).getLayer();
            InputPreProcessor pre = conf.getInputPreProcess(i);
            if (pre != null) h = pre.preProcess(h, (int) h.size(0), noWs);
            if (layer instanceof DenseLayer || layer instanceof OutputLayer) {
                INDArray w = net.getLayer(i).getParam("W");
                INDArray b = net.getLayer(i).paramTable().get("b");
                h = h.mmul(w);
                if (b != null) h.addiRowVector(b);
            } else if (layer instanceof ConvolutionLayer c) {
                h = conv(c, net.getLayer(i).getParam("W"), c.hasBias() ? net.getLayer(i).getParam("b") : null, h);
            } else if (layer instanceof SubsamplingLayer s) {
                h = maxPool(s, h);
            } else if (layer instanceof ActivationLayer) {
                h = h.dup();
            }
            if (i != softmaxLayer) activateInPlace(activationOf(layer), h);
            acts.add(h);
        }
        return acts;
    }

    /** Logits [N, K] for the network-layout input. */
    INDArray logits(INDArray x) {
        List<INDArray> acts = forward(x);
        release(acts.subList(1, acts.size() - 1));
        return acts.get(acts.size() - 1);
    }

    /**
     * Frees intermediate activations now rather than when the garbage collector finds them: ND4J's
     * off-heap buffers are released only through GC, so an attack's thousands of batches left
     * gigabytes waiting (PGD-40 on 10k images reached 12 GB RSS) and paid for fresh pages on
     * every allocation. Each layer output here is a fresh array of its own, never a view.
     */
    private static void release(List<INDArray> arrays) {
        for (INDArray a : arrays) {
            if (a != null && a.closeable() && !a.wasClosed()) a.close();
        }
    }

    /**
     * d/dx sum_i CE(softmax(z(x_i)), y_i) in the network's own input layout. Returns null when
     * this batch cannot take the fast path (a convolution whose input has rows its windows never
     * cover), so that the caller uses DL4J's backward pass for it.
     */
    INDArray gradient(INDArray x, INDArray oneHot) {
        List<INDArray> acts = forward(x);
        INDArray z = acts.get(softmaxLayer + 1);
        return backward(acts, Transforms.softmax(z, true).subi(oneHot));   // dL/dz of the softmax layer
    }

    /**
     * d/dx sum_i sum_c w[i, c] z_c(x_i) in the network's own input layout: the backward pass seeded
     * with {@code weights} at the logits. Null when the batch cannot take the fast path (as above).
     */
    INDArray logitGradient(INDArray x, INDArray weights) {
        return backward(forward(x), weights.dup());
    }

    /** Backpropagates {@code eps}, the gradient at the logits, to the input; frees the activations. */
    private INDArray backward(List<INDArray> acts, INDArray eps) {
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        LayerWorkspaceMgr noWs = LayerWorkspaceMgr.noWorkspaces();
        for (int i = softmaxLayer; i >= 0; i--) {
            Layer layer = conf.getConf(i).getLayer();
            INDArray in = acts.get(i);
            InputPreProcessor pre = conf.getInputPreProcess(i);
            INDArray layerIn = pre == null ? in : pre.preProcess(in, (int) in.size(0), noWs);
            if (i != softmaxLayer) {
                eps = activationBackprop(activationOf(layer), acts.get(i + 1), eps);
            }
            if (layer instanceof DenseLayer || layer instanceof OutputLayer) {
                eps = eps.mmul(net.getLayer(i).getParam("W").transpose());
            } else if (layer instanceof ConvolutionLayer c) {
                eps = convInputGradient(c, net.getLayer(i).getParam("W"), layerIn, eps);
                if (eps == null) return null;
            } else if (layer instanceof SubsamplingLayer s) {
                eps = maxPoolInputGradient(s, layerIn, eps);
            }
            if (pre != null) {
                eps = pre.backprop(eps, (int) eps.size(0), noWs);
            }
            // Layer i's output has served its activation's backward step and layer i + 1's input.
            release(List.of(acts.get(i + 1)));
        }
        return eps;
    }

    private static void activateInPlace(IActivation f, INDArray h) {
        if (f == null || f instanceof ActivationIdentity) return;
        if (f instanceof ActivationReLU) Transforms.relu(h, false);
        else if (f instanceof ActivationTanH) Transforms.tanh(h, false);
        else if (f instanceof ActivationSigmoid) Transforms.sigmoid(h, false);
        else throw new IllegalStateException("unsupported activation " + f);   // excluded by of()
    }

    private static INDArray conv(ConvolutionLayer c, INDArray w, INDArray b, INDArray in) {
        boolean nhwc = c.getCnn2dDataFormat() == CNN2DFormat.NHWC;
        int[] k = c.getKernelSize(), s = c.getStride(), p = c.getPadding(), d = c.getDilation();
        int hAxis = nhwc ? 1 : 2;
        long oh = (in.size(hAxis) + 2L * p[0] - ((long) d[0] * (k[0] - 1) + 1)) / s[0] + 1;
        long ow = (in.size(hAxis + 1) + 2L * p[1] - ((long) d[1] * (k[1] - 1) + 1)) / s[1] + 1;
        long n = in.size(0), oc = w.size(0);
        INDArray out = nhwc ? Nd4j.create(in.dataType(), n, oh, ow, oc) : Nd4j.create(in.dataType(), n, oc, oh, ow);
        DynamicCustomOp.DynamicCustomOpsBuilder op = DynamicCustomOp.builder("conv2d");
        if (b != null) op.addInputs(in, w, b); else op.addInputs(in, w);
        // Weight format 1 is DL4J's [nOut, nIn, kH, kW].
        Nd4j.exec(op.addOutputs(out).addIntegerArguments(k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], 0, nhwc ? 1 : 0, 1)
                .build());
        return out;
    }

    private static INDArray maxPool(SubsamplingLayer sl, INDArray in) {
        boolean nhwc = sl.getCnn2dDataFormat() == CNN2DFormat.NHWC;
        int[] k = sl.getKernelSize(), s = sl.getStride(), p = sl.getPadding(), d = sl.getDilation();
        int hAxis = nhwc ? 1 : 2;
        long oh = (in.size(hAxis) + 2L * p[0] - ((long) d[0] * (k[0] - 1) + 1)) / s[0] + 1;
        long ow = (in.size(hAxis + 1) + 2L * p[1] - ((long) d[1] * (k[1] - 1) + 1)) / s[1] + 1;
        long n = in.size(0), c = in.size(nhwc ? 3 : 1);
        INDArray out = nhwc ? Nd4j.create(in.dataType(), n, oh, ow, c) : Nd4j.create(in.dataType(), n, c, oh, ow);
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d").addInputs(in).addOutputs(out)
                .addIntegerArguments(k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], 0, 0, nhwc ? 1 : 0).build());
        return out;
    }

    private static IActivation activationOf(Layer layer) {
        if (layer instanceof BaseLayer b) return b.getActivationFn();
        if (layer instanceof ActivationLayer a) return a.getActivationFn();
        return null;   // pooling: no activation
    }

    /** eps * f'(z), with f'(z) read from the output a = f(z); in place on eps. */
    private static INDArray activationBackprop(IActivation f, INDArray out, INDArray eps) {
        if (f == null || f instanceof ActivationIdentity) return eps;
        if (f instanceof ActivationReLU) {
            // relu_bp passes eps where its first input is > 0: a > 0 exactly where z > 0.
            Nd4j.exec(DynamicCustomOp.builder("relu_bp").addInputs(out, eps).addOutputs(eps)
                    .addFloatingPointArguments(0.0).build());
            return eps;
        }
        if (f instanceof ActivationTanH) {
            return eps.muli(out.mul(out).rsubi(1.0));
        }
        if (f instanceof ActivationSigmoid) {
            return eps.muli(out.rsub(1.0).muli(out));
        }
        throw new IllegalStateException("unsupported activation " + f);   // excluded by of()
    }

    /**
     * The input gradient of a convolution is the transposed convolution of its output gradient
     * with the same weights: libnd4j's deconv2d, whose weight format 1 ([iC, oC, kH, kW] from the
     * deconvolution's side) is exactly DL4J's [nOut, nIn, kH, kW].
     */
    private static INDArray convInputGradient(ConvolutionLayer c, INDArray w, INDArray layerIn, INDArray eps) {
        boolean nhwc = c.getCnn2dDataFormat() == CNN2DFormat.NHWC;
        int[] k = c.getKernelSize(), s = c.getStride(), p = c.getPadding(), d = c.getDilation();
        long[] inShape = layerIn.shape();
        int hAxis = nhwc ? 1 : 2;
        long outH = (eps.size(hAxis) - 1) * s[0] + (long) d[0] * (k[0] - 1) + 1 - 2L * p[0];
        long outW = (eps.size(hAxis + 1) - 1) * s[1] + (long) d[1] * (k[1] - 1) + 1 - 2L * p[1];
        if (outH != inShape[hAxis] || outW != inShape[hAxis + 1]) {
            return null;   // truncated windows: rows/columns the convolution never read
        }
        INDArray out = Nd4j.create(eps.dataType(), inShape);
        Nd4j.exec(DynamicCustomOp.builder("deconv2d").addInputs(eps, w).addOutputs(out)
                .addIntegerArguments(k[0], k[1], s[0], s[1], p[0], p[1], d[0], d[1], 0, nhwc ? 1 : 0, 1)
                .build());
        return out;
    }

    private static INDArray maxPoolInputGradient(SubsamplingLayer s, INDArray layerIn, INDArray eps) {
        boolean nhwc = s.getCnn2dDataFormat() == CNN2DFormat.NHWC;
        int[] k = s.getKernelSize(), st = s.getStride(), p = s.getPadding(), d = s.getDilation();
        INDArray out = Nd4j.create(eps.dataType(), layerIn.shape());
        Nd4j.exec(DynamicCustomOp.builder("maxpool2d_bp").addInputs(layerIn, eps).addOutputs(out)
                .addIntegerArguments(k[0], k[1], st[0], st[1], p[0], p[1], d[0], d[1], 0, 0, nhwc ? 1 : 0)
                .build());
        return out;
    }
}
