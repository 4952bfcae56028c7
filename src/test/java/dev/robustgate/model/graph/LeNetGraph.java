package dev.robustgate.model.graph;

import dev.robustgate.model.graph.ops.Conv;
import dev.robustgate.model.graph.ops.Flatten;
import dev.robustgate.model.graph.ops.Gemm;
import dev.robustgate.model.graph.ops.Padding;
import dev.robustgate.model.graph.ops.Pool;
import dev.robustgate.model.graph.ops.Relu;
import dev.robustgate.model.graph.ops.Softmax;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The fixture LeNet (conv-pool-conv-pool-dense-softmax, ReLU, unpadded) as a graph on the same
 * weights, for comparisons with the direct-ops chain. Not a general DL4J translator (that is the
 * loaders' job): it accepts exactly the layers Architectures.lenet builds.
 */
final class LeNetGraph {
    private LeNetGraph() {}

    static Graph of(MultiLayerNetwork net) {
        GraphBuilder b = Graph.builder(DataType.FLOAT).input("x");
        String h = "x";
        boolean flat = false;
        for (int i = 0; i < net.getnLayers(); i++) {
            Layer l = net.getLayerWiseConfigurations().getConf(i).getLayer();
            String n = "l" + i;
            if (l instanceof ConvolutionLayer c && l.getClass() == ConvolutionLayer.class) {
                b.constant(n + "W", net.getLayer(i).getParam("W")).constant(n + "b", net.getLayer(i).getParam("b"));
                int[] s = c.getStride(), p = c.getPadding();
                b.node(n, Conv.simple().withStrides(s[0], s[1]).withPadding(Padding.symmetric(p[0], p[1])), h, n + "W", n + "b");
                b.node(n + "relu", new Relu(), n);
                h = n + "relu";
            } else if (l instanceof SubsamplingLayer s) {
                int[] k = s.getKernelSize(), st = s.getStride();
                b.node(n, Pool.max(new long[]{k[0], k[1]}, new long[]{st[0], st[1]}, new long[]{1, 1}, Padding.none(), false), h);
                h = n;
            } else if (l instanceof DenseLayer || l instanceof OutputLayer) {
                if (!flat) {
                    b.node("flatten", new Flatten(1), h);
                    h = "flatten";
                    flat = true;
                }
                b.constant(n + "W", net.getLayer(i).getParam("W")).constant(n + "b", net.getLayer(i).getParam("b"));
                b.node(n, Gemm.dense(), h, n + "W", n + "b");
                h = n;
                if (l instanceof DenseLayer) {
                    b.node(n + "relu", new Relu(), n);
                    h = n + "relu";
                }
            } else {
                throw new IllegalArgumentException("not a fixture LeNet layer: " + l);
            }
        }
        return b.node("probs", Softmax.lastAxis(), h).output("probs").build();
    }
}
