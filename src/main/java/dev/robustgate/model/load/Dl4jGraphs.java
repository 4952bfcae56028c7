package dev.robustgate.model.load;

import dev.robustgate.RobustGateException;
import dev.robustgate.model.graph.Graph;
import dev.robustgate.model.graph.GraphBuilder;
import dev.robustgate.model.graph.ops.Arithmetic;
import dev.robustgate.model.graph.ops.BatchNormalization;
import dev.robustgate.model.graph.ops.Clip;
import dev.robustgate.model.graph.ops.Concat;
import dev.robustgate.model.graph.ops.Conv;
import dev.robustgate.model.graph.ops.Flatten;
import dev.robustgate.model.graph.ops.Gemm;
import dev.robustgate.model.graph.ops.LeakyRelu;
import dev.robustgate.model.graph.ops.Pad;
import dev.robustgate.model.graph.ops.Padding;
import dev.robustgate.model.graph.ops.Pool;
import dev.robustgate.model.graph.ops.Reduce;
import dev.robustgate.model.graph.ops.Relu;
import dev.robustgate.model.graph.ops.Reshape;
import dev.robustgate.model.graph.ops.Sigmoid;
import dev.robustgate.model.graph.ops.Softmax;
import dev.robustgate.model.graph.ops.Tanh;
import dev.robustgate.model.graph.ops.Transpose;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Convolution2D;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.ZeroPaddingLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationReLU6;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * DL4J networks (MultiLayerNetwork, ComputationGraph: from zips or from Keras import) translated
 * onto the white-box {@link Graph}, in RobustGate's NCHW layout whatever the layers' own data
 * format: convolution weights are OIHW in DL4J for both formats, so a channels_last (Keras) network
 * differs only in the order its flatten reads, which a Transpose before the Flatten reproduces.
 * BatchNormalization becomes the executor's inference-mode affine op on the running statistics
 * (DL4J's own BN backprop adds batch-statistic terms: wrong for attacks), dropout is dropped.
 *
 * <p>Supported: convolution (truncate/strict/same modes, strides, dilation, bias), max and average
 * pooling, global average pooling, zero padding, batch normalization, dense and output layers,
 * activation, dropout and loss layers; ReLU, ReLU6, leaky ReLU, sigmoid, tanh, identity and
 * softmax activations; the CNN/feed-forward preprocessors; add/subtract/product/average vertices
 * and merge (concatenation on channels). Anything else is one line naming the layer and the file.
 */
public final class Dl4jGraphs {
    private Dl4jGraphs() {}

    /** {@code net} as a graph whose input "input" takes [N, ...sampleShape] (NCHW or [N, D]). */
    public static Graph of(MultiLayerNetwork net, String file, DataType dataType) {
        Translation t = new Translation(file, dataType);
        MultiLayerConfiguration conf = net.getLayerWiseConfigurations();
        String value = t.input("input");
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer layer = conf.getConf(i).getLayer();
            String name = layer.getLayerName() != null ? layer.getLayerName() : "layer" + i;
            value = t.preprocess(name, conf.getInputPreProcess(i), value);
            value = t.layer(name, layer, net.getLayer(i).paramTable(false), value);
        }
        return t.finish(value);
    }

    /** {@code graph} (one input, one output) as a white-box graph. */
    public static Graph of(ComputationGraph graph, String file, DataType dataType) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            throw new RobustGateException(file + ": a classifier graph has one input and one output, this one has "
                    + conf.getNetworkInputs() + " -> " + conf.getNetworkOutputs());
        }
        Translation t = new Translation(file, dataType);
        Map<String, String> values = new HashMap<>();
        String in = conf.getNetworkInputs().get(0);
        values.put(in, t.input(in));
        for (String name : conf.getTopologicalOrderStr()) {
            if (name.equals(in)) continue;
            GraphVertex v = conf.getVertices().get(name);
            List<String> inputs = conf.getVertexInputs().get(name).stream().map(values::get).toList();
            values.put(name, t.vertex(name, v, inputs, graph));
        }
        return t.finish(values.get(conf.getNetworkOutputs().get(0)));
    }

    /** Builder state: the graph so far and the rank of every value (2: [N, F], 4: [N, C, H, W]). */
    private static final class Translation {
        private final String file;
        private final GraphBuilder b;
        private final Map<String, Integer> rank = new HashMap<>();
        private int fresh;

        Translation(String file, DataType dataType) {
            this.file = file;
            this.b = Graph.builder(dataType);
        }

        String input(String name) {
            b.input(name);
            rank.put(name, -1);   // 4 for images, 2 for vectors: known when the first layer reads it
            return name;
        }

        Graph finish(String output) {
            b.output(output);
            try {
                return b.build();
            } catch (RuntimeException e) {
                throw new RobustGateException(file + ": " + e.getMessage(), e);
            }
        }

        private RobustGateException refuse(String name, Object what, String why) {
            String kind = what instanceof Class<?> c ? c.getSimpleName() : what.getClass().getSimpleName();
            return new RobustGateException(file + ": layer '" + name + "' (" + kind + ") " + why
                    + "; the white-box executor cannot run it");
        }

        private String node(String name, dev.robustgate.model.graph.Op op, int outRank, String... inputs) {
            String out = b.has(name) ? name + "#" + (++fresh) : name;
            b.node(out, op, inputs);
            rank.put(out, outRank);
            return out;
        }

        private String constant(String name, INDArray value) {
            String n = b.has(name) ? name + "#" + (++fresh) : name;
            b.constant(n, value);
            return n;
        }

        private boolean isImage(String value) {
            return rank.getOrDefault(value, -1) != 2;
        }

        String vertex(String name, GraphVertex v, List<String> inputs, ComputationGraph graph) {
            if (v instanceof LayerVertex lv) {
                String x = preprocess(name, lv.getPreProcessor(), inputs.get(0));
                return layer(name, lv.getLayerConf().getLayer(), graph.getVertex(name).paramTable(false), x);
            }
            if (v instanceof PreprocessorVertex pv) return preprocess(name, pv.getPreProcessor(), inputs.get(0));
            if (v instanceof MergeVertex) {
                // DL4J merges CNN activations on channels and vectors on features: axis 1 in NCHW both.
                return node(name, new Concat(1), rank.getOrDefault(inputs.get(0), 4), inputs.toArray(String[]::new));
            }
            if (v instanceof ElementWiseVertex e) return elementWise(name, e, inputs);
            throw refuse(name, v, "is a vertex kind not supported");
        }

        private String elementWise(String name, ElementWiseVertex e, List<String> inputs) {
            int r = rank.getOrDefault(inputs.get(0), 4);
            switch (e.getOp()) {
                case Subtract -> {
                    return node(name, Arithmetic.sub(), r, inputs.get(0), inputs.get(1));
                }
                case Add, Average, Product -> {
                    String acc = inputs.get(0);
                    for (int i = 1; i < inputs.size(); i++) {
                        acc = node(name + (i < inputs.size() - 1 || e.getOp() == ElementWiseVertex.Op.Average ? "_" + i : ""),
                                e.getOp() == ElementWiseVertex.Op.Product ? Arithmetic.mul() : Arithmetic.add(), r, acc, inputs.get(i));
                    }
                    if (e.getOp() == ElementWiseVertex.Op.Average) {
                        String k = constant(name + "_n", Nd4j.scalar(DataType.FLOAT, 1.0f / inputs.size()));
                        acc = node(name, Arithmetic.mul(), r, acc, k);
                    }
                    return acc;
                }
                default -> throw refuse(name, e, "computes " + e.getOp());
            }
        }

        String preprocess(String name, InputPreProcessor pre, String x) {
            if (pre == null) return x;
            if (pre instanceof CnnToFeedForwardPreProcessor p) {
                if (!isImage(x) && rank.get(x) == 2) return x;
                rank.put(x, 4);
                String in = x;
                if (p.getFormat() == CNN2DFormat.NHWC) {
                    // channels_last flattens [H, W, C]: reproduce that order from the NCHW value.
                    in = node(name + "_nhwc", new Transpose(new int[]{0, 2, 3, 1}), 4, x);
                }
                return node(name + "_flatten", new Flatten(1), 2, in);
            }
            if (pre instanceof FeedForwardToCnnPreProcessor p) {
                if (rank.getOrDefault(x, -1) == -1) {   // the graph's own input, already [N, C, H, W]
                    rank.put(x, 4);
                    return x;
                }
                String shape = constant(name + "_shape", Nd4j.createFromArray(-1L, p.getNumChannels(), p.getInputHeight(), p.getInputWidth()));
                return node(name + "_reshape", new Reshape(false), 4, x, shape);
            }
            throw refuse(name, pre, "needs a preprocessor not supported");
        }

        String layer(String name, Layer layer, Map<String, INDArray> params, String x) {
            Class<?> k = layer.getClass();
            if (k == ConvolutionLayer.class || k == Convolution2D.class) {
                rank.putIfAbsent(x, 4);
                rank.put(x, 4);
                return activation(name, ((BaseLayer) layer).getActivationFn(), conv(name, (ConvolutionLayer) layer, params, x), false);
            }
            if (k == SubsamplingLayer.class) {
                rank.put(x, 4);
                return pool(name, (SubsamplingLayer) layer, x);
            }
            if (k == org.deeplearning4j.nn.conf.layers.BatchNormalization.class) {
                return batchNorm(name, (org.deeplearning4j.nn.conf.layers.BatchNormalization) layer, params, x);
            }
            if (k == DenseLayer.class || k == OutputLayer.class) {
                String in = isImage(x) ? node(name + "_flatten", new Flatten(1), 2, x) : x;
                rank.put(in, 2);
                String w = constant(name + "_W", params.get("W"));
                String z = params.containsKey("b")
                        ? node(name, Gemm.dense(), 2, in, w, constant(name + "_b", params.get("b").reshape(-1)))
                        : node(name, Gemm.dense(), 2, in, w);
                return activation(name, ((BaseLayer) layer).getActivationFn(), z, true);
            }
            if (k == ActivationLayer.class) return activation(name, ((ActivationLayer) layer).getActivationFn(), x, true);
            if (k == LossLayer.class) return activation(name, ((LossLayer) layer).getActivationFn(), x, true);
            if (k == DropoutLayer.class) return x;   // inference: dropout is the identity
            if (k == GlobalPoolingLayer.class) {
                GlobalPoolingLayer g = (GlobalPoolingLayer) layer;
                if (g.getPoolingType() != PoolingType.AVG) throw refuse(name, layer, "pools by " + g.getPoolingType());
                rank.put(x, 4);
                String avg = node(name, Reduce.globalAverage(), 4, x);
                return g.isCollapseDimensions() ? node(name + "_flatten", new Flatten(1), 2, avg) : avg;
            }
            if (k == ZeroPaddingLayer.class) {
                int[] p = ((ZeroPaddingLayer) layer).getPadding();   // top, bottom, left, right
                rank.put(x, 4);
                return node(name, new Pad(new long[]{0, 0, p[0], p[2], 0, 0, p[1], p[3]}, 0.0), 4, x);
            }
            throw refuse(name, layer, "is a layer kind not supported");
        }

        private String conv(String name, ConvolutionLayer c, Map<String, INDArray> params, String x) {
            if (c.getConvolutionMode() == ConvolutionMode.Causal) throw refuse(name, c, "uses causal padding");
            int[] k = c.getKernelSize(), s = c.getStride(), p = c.getPadding(), d = c.getDilation();
            Padding padding = c.getConvolutionMode() == ConvolutionMode.Same ? Padding.onnx("SAME_UPPER", null)
                    : Padding.symmetric(p[0], p[1]);
            Conv op = new Conv(new long[]{s[0], s[1]}, new long[]{d[0], d[1]}, padding, 1);
            String w = constant(name + "_W", params.get("W"));
            return c.hasBias() && params.containsKey("b")
                    ? node(name, op, 4, x, w, constant(name + "_b", params.get("b").reshape(-1)))
                    : node(name, op, 4, x, w);
        }

        private String pool(String name, SubsamplingLayer s, String x) {
            int[] k = s.getKernelSize(), st = s.getStride(), p = s.getPadding(), d = s.getDilation();
            if (s.getConvolutionMode() == ConvolutionMode.Causal) throw refuse(name, s, "uses causal padding");
            Padding padding = s.getConvolutionMode() == ConvolutionMode.Same ? Padding.onnx("SAME_UPPER", null)
                    : Padding.symmetric(p[0], p[1]);
            long[] kernel = {k[0], k[1]}, strides = {st[0], st[1]};
            if (s.getPoolingType() == PoolingType.MAX) {
                return node(name, Pool.max(kernel, strides, new long[]{d[0], d[1]}, padding, false), 4, x);
            }
            if (s.getPoolingType() == PoolingType.AVG) {
                if (d[0] != 1 || d[1] != 1) throw refuse(name, s, "is a dilated average pooling");
                return node(name, Pool.average(kernel, strides, padding, false, s.isAvgPoolIncludePadInDivisor()), 4, x);
            }
            throw refuse(name, s, "pools by " + s.getPoolingType());
        }

        private String batchNorm(String name, org.deeplearning4j.nn.conf.layers.BatchNormalization bn,
                                 Map<String, INDArray> params, String x) {
            INDArray mean = params.get("mean").reshape(-1);
            INDArray var;
            if (params.containsKey("var")) {
                var = params.get("var").reshape(-1);
            } else if (params.containsKey("log10stdev")) {
                INDArray std = org.nd4j.linalg.ops.transforms.Transforms.pow(Nd4j.valueArrayOf(params.get("log10stdev").shape(),
                        10.0, params.get("log10stdev").dataType()), params.get("log10stdev"), false);
                var = std.muli(std).reshape(-1);
            } else {
                throw refuse(name, bn, "has neither var nor log10stdev");
            }
            long c = mean.length();
            INDArray gamma = bn.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[]{c}, bn.getGamma(), mean.dataType()) : params.get("gamma").reshape(-1);
            INDArray beta = bn.isLockGammaBeta() ? Nd4j.valueArrayOf(new long[]{c}, bn.getBeta(), mean.dataType()) : params.get("beta").reshape(-1);
            int r = rank.getOrDefault(x, 4) == 2 ? 2 : 4;
            // DL4J's BatchNormalization layer applies no activation function, whatever its config says.
            return node(name, new BatchNormalization(bn.getEps()), r, x, constant(name + "_gamma", gamma),
                    constant(name + "_beta", beta), constant(name + "_mean", mean), constant(name + "_var", var));
        }

        private String activation(String name, IActivation f, String x, boolean allowSoftmax) {
            int r = rank.getOrDefault(x, 4);
            if (f == null || f instanceof ActivationIdentity) return x;
            if (f instanceof ActivationReLU relu) {
                if (relu.getMax() != null || (relu.getThreshold() != null && relu.getThreshold() != 0)
                        || (relu.getNegativeSlope() != null && relu.getNegativeSlope() != 0)) {
                    throw refuse(name, f, "is a ReLU with max/threshold/negative slope");
                }
                return node(name + "_relu", new Relu(), r, x);
            }
            if (f instanceof ActivationReLU6) return node(name + "_relu6", new Clip(0, 6), r, x);
            if (f instanceof ActivationLReLU l) return node(name + "_lrelu", new LeakyRelu(l.getAlpha()), r, x);
            if (f instanceof ActivationSigmoid) return node(name + "_sigmoid", new Sigmoid(), r, x);
            if (f instanceof ActivationTanH) return node(name + "_tanh", new Tanh(), r, x);
            if (f instanceof ActivationSoftmax && allowSoftmax && r == 2) return node(name + "_softmax", Softmax.lastAxis(), 2, x);
            throw refuse(name, f, "activation not supported");
        }
    }
}
