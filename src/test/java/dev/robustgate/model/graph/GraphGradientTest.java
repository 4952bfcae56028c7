package dev.robustgate.model.graph;

import dev.robustgate.model.graph.ops.Arithmetic;
import dev.robustgate.model.graph.ops.AxesReshape;
import dev.robustgate.model.graph.ops.BatchNormalization;
import dev.robustgate.model.graph.ops.Clip;
import dev.robustgate.model.graph.ops.Concat;
import dev.robustgate.model.graph.ops.Conv;
import dev.robustgate.model.graph.ops.Flatten;
import dev.robustgate.model.graph.ops.Gather;
import dev.robustgate.model.graph.ops.Gemm;
import dev.robustgate.model.graph.ops.Identity;
import dev.robustgate.model.graph.ops.LeakyRelu;
import dev.robustgate.model.graph.ops.MatMul;
import dev.robustgate.model.graph.ops.Pad;
import dev.robustgate.model.graph.ops.Padding;
import dev.robustgate.model.graph.ops.Pool;
import dev.robustgate.model.graph.ops.Reduce;
import dev.robustgate.model.graph.ops.Relu;
import dev.robustgate.model.graph.ops.Reshape;
import dev.robustgate.model.graph.ops.ShapeOf;
import dev.robustgate.model.graph.ops.Sigmoid;
import dev.robustgate.model.graph.ops.Softmax;
import dev.robustgate.model.graph.ops.Tanh;
import dev.robustgate.model.graph.ops.Transpose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static dev.robustgate.model.graph.FiniteDifferences.random;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The input gradient of every op against central finite differences, in double precision.
 * Tolerance 1e-6 relative: the differences' own error is ~1e-10, a wrong gradient is off by O(1).
 */
class GraphGradientTest {
    private static final double TOLERANCE = 1e-6;

    private static Arguments unary(String label, Supplier<dev.robustgate.model.graph.Op> op, long... shape) {
        return Arguments.of(label, (Supplier<Graph>) () -> Graph.builder(DataType.DOUBLE).input("x")
                .node("op", op.get(), "x").output("op").build(), shape);
    }

    /** x through op with constant extra inputs c1, c2, ... */
    private static Arguments withConstants(String label, dev.robustgate.model.graph.Op op, long[] shape, INDArray... constants) {
        return Arguments.of(label, (Supplier<Graph>) () -> {
            GraphBuilder b = Graph.builder(DataType.DOUBLE).input("x");
            String[] ins = new String[constants.length + 1];
            ins[0] = "x";
            for (int i = 0; i < constants.length; i++) {
                b.constant("c" + i, constants[i]);
                ins[i + 1] = "c" + i;
            }
            return b.node("op", op, ins).output("op").build();
        }, shape);
    }

    private static Conv conv() { return Conv.simple(); }

    private static long[] s(long... v) { return v; }

    static Stream<Arguments> ops() {
        INDArray w3 = random(11, 4, 3, 3, 3), b4 = random(12, 4);
        return Stream.of(
                withConstants("Conv 3x3", conv(), s(2, 3, 6, 6), w3, b4),
                withConstants("Conv no bias", conv(), s(2, 3, 5, 5), w3),
                withConstants("Conv stride 2 uncovered rows", conv().withStrides(2, 2), s(2, 3, 8, 8), w3, b4),
                withConstants("Conv pads 1", conv().withPadding(Padding.symmetric(1, 1)), s(2, 3, 5, 5), w3, b4),
                withConstants("Conv asymmetric pads", conv().withPadding(Padding.of(0, 1, 2, 1)).withStrides(2, 1), s(1, 3, 7, 6), w3, b4),
                withConstants("Conv SAME_UPPER stride 2", conv().withPadding(Padding.onnx("SAME_UPPER", null)).withStrides(2, 2), s(1, 3, 7, 8), w3, b4),
                withConstants("Conv SAME_LOWER", conv().withPadding(Padding.onnx("SAME_LOWER", null)), s(1, 3, 6, 5), random(13, 2, 3, 2, 2)),
                withConstants("Conv dilation 2", conv().withDilations(2, 2).withPadding(Padding.symmetric(1, 2)), s(1, 3, 8, 7), w3, b4),
                withConstants("Conv groups 2", conv().withGroup(2).withPadding(Padding.symmetric(1, 1)), s(2, 4, 5, 5), random(14, 6, 2, 3, 3), random(15, 6)),
                withConstants("Conv depthwise x2", conv().withGroup(3), s(1, 3, 5, 5), random(16, 6, 1, 3, 3), random(17, 6)),
                withConstants("Conv depthwise stride 2 pads", conv().withGroup(3).withStrides(2, 2).withPadding(Padding.symmetric(1, 1)), s(2, 3, 6, 6), random(19, 3, 1, 3, 3), random(20, 3)),
                withConstants("Conv depthwise asymmetric", conv().withGroup(2).withPadding(Padding.of(0, 1, 2, 0)), s(1, 2, 5, 5), random(9, 4, 1, 2, 3)),
                withConstants("Conv 1x1 on 1x1", conv(), s(2, 3, 1, 1), random(18, 5, 3, 1, 1)),
                withConstants("Gemm x W + b", Gemm.dense(), s(3, 4), random(21, 4, 5), random(22, 5)),
                withConstants("Gemm transB alpha beta", new Gemm(0.5, 2.0, false, true), s(3, 4), random(23, 5, 4), random(24, 1, 5)),
                withConstants("Gemm transA", new Gemm(1, 1, true, false), s(4, 3), random(25, 4, 5), random(26, 3, 5)),
                withConstants("MatMul 2-D", new MatMul(), s(3, 4), random(27, 4, 2)),
                withConstants("MatMul 3-D x 2-D", new MatMul(), s(2, 3, 4), random(28, 4, 2)),
                withConstants("MatMul batched", new MatMul(), s(2, 3, 4), random(29, 2, 4, 5)),
                withConstants("Add broadcast [C,1,1]", Arithmetic.add(), s(2, 3, 4, 4), random(31, 3, 1, 1)),
                withConstants("Sub broadcast", Arithmetic.sub(), s(2, 3, 4), random(32, 4)),
                withConstants("Mul broadcast", Arithmetic.mul(), s(2, 3, 4), random(33, 3, 1)),
                withConstants("Div broadcast", Arithmetic.div(), s(2, 3, 4), random(34, 3, 4).addi(3)),
                unary("Relu", Relu::new, 2, 3, 4),
                unary("LeakyRelu 0.1", () -> new LeakyRelu(0.1), 2, 3, 4),
                unary("Sigmoid", Sigmoid::new, 2, 5),
                unary("Tanh", Tanh::new, 2, 5),
                unary("Softmax last axis", Softmax::lastAxis, 3, 5),
                unary("Softmax axis 1 of 3-D", () -> new Softmax(1, false), 2, 3, 4),
                unary("Softmax opset-11 coerced", () -> new Softmax(1, true), 2, 3, 4),
                unary("MaxPool 2x2", () -> Pool.max(s(2, 2), s(2, 2), s(1, 1), Padding.none(), false), 2, 3, 6, 6),
                unary("MaxPool 3x3 s2 p1", () -> Pool.max(s(3, 3), s(2, 2), s(1, 1), Padding.symmetric(1, 1), false), 1, 2, 7, 7),
                unary("MaxPool ceil", () -> Pool.max(s(3, 3), s(2, 2), s(1, 1), Padding.none(), true), 1, 2, 6, 6),
                unary("MaxPool asymmetric", () -> Pool.max(s(2, 2), s(2, 2), s(1, 1), Padding.of(1, 0, 0, 1), false), 1, 2, 5, 5),
                unary("AveragePool 2x2", () -> Pool.average(s(2, 2), s(2, 2), Padding.none(), false, false), 2, 3, 4, 4),
                unary("AveragePool pads exclude", () -> Pool.average(s(3, 3), s(2, 2), Padding.symmetric(1, 1), false, false), 1, 2, 5, 5),
                unary("AveragePool pads include", () -> Pool.average(s(3, 3), s(1, 1), Padding.of(1, 1, 0, 2), false, true), 1, 2, 5, 5),
                unary("AveragePool ceil", () -> Pool.average(s(3, 3), s(2, 2), Padding.none(), true, false), 1, 2, 6, 6),
                unary("GlobalAveragePool", Reduce::globalAverage, 2, 3, 4, 5),
                unary("ReduceMean axes 2,3", () -> Reduce.mean(new int[]{2, 3}, false), 2, 3, 4, 5),
                unary("ReduceMean axis -1 keepdims", () -> Reduce.mean(new int[]{-1}, true), 2, 3, 4),
                unary("ReduceSum all", () -> Reduce.sum(null, false, false), 2, 3),
                withConstants("BatchNormalization 4-D", new BatchNormalization(1e-5), s(2, 3, 4, 4),
                        random(41, 3), random(42, 3), random(43, 3), random(44, 3).addi(2)),
                withConstants("BatchNormalization 2-D", new BatchNormalization(1e-3), s(3, 4),
                        random(45, 4), random(46, 4), random(47, 4), random(48, 4).addi(2)),
                unary("Flatten axis 1", () -> new Flatten(1), 2, 3, 4),
                unary("Flatten axis 2", () -> new Flatten(2), 2, 3, 4, 2),
                withConstants("Reshape 0,-1", new Reshape(false), s(2, 3, 4), Nd4j.createFromArray(0L, -1L)),
                unary("Transpose 0,2,3,1", () -> new Transpose(new int[]{0, 2, 3, 1}), 2, 3, 4, 5),
                unary("Transpose reversed", () -> new Transpose(null), 2, 3, 4),
                unary("Pad constant", () -> new Pad(s(0, 0, 1, 2, 0, 0, 2, 1), 0.5), 1, 2, 3, 3),
                unary("Clip", () -> new Clip(-0.3, 0.4), 2, 3, 4),
                unary("Identity", Identity::new, 2, 3),
                unary("Dropout", () -> new Identity("Dropout"), 2, 3),
                unary("Unsqueeze", () -> AxesReshape.unsqueeze(s(1, -1)), 2, 3),
                unary("Squeeze", () -> AxesReshape.squeeze(s(2)), 2, 3, 1, 4),
                unary("Slice negative step", () -> new dev.robustgate.model.graph.ops.Slice(s(3, 0), s(0, 4), s(1, 2), s(-1, 2)), 2, 5, 4),
                unary("Slice clamped", () -> new dev.robustgate.model.graph.ops.Slice(s(-100), s(100), s(-1), null), 2, 3));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ops")
    void inputGradientMatchesFiniteDifferences(String label, Supplier<Graph> graph, long[] shape) {
        Graph g = graph.get();
        INDArray x = random(label.hashCode(), shape);
        double err = FiniteDifferences.maxRelativeError(g, Map.of("x", x), "x", 7);
        assertThat(err).as(label).isLessThan(TOLERANCE);
    }

    @Test
    void everyInputOfABinaryOpGetsItsGradient() {
        for (var op : new dev.robustgate.model.graph.Op[]{Arithmetic.add(), Arithmetic.sub(), Arithmetic.mul(), Arithmetic.div(), new MatMul(), new Gemm(0.7, 1.3, true, true)}) {
            boolean gemm = op instanceof Gemm, mm = op instanceof MatMul;
            Graph g = Graph.builder(DataType.DOUBLE).input("a").input("b").input("c")
                    .node("op", op, gemm ? new String[]{"a", "b", "c"} : new String[]{"a", "b"}).output("op").build();
            INDArray a = random(1, gemm ? s(4, 3) : s(2, 3, 4));
            INDArray b = random(2, gemm ? s(5, 4) : mm ? s(2, 4, 3) : s(3, 1)).addi(op.type().equals("Div") ? 3 : 0);
            INDArray c = random(3, 5);
            Map<String, INDArray> feeds = Map.of("a", a, "b", b, "c", c);
            for (String wrt : gemm ? new String[]{"a", "b", "c"} : new String[]{"a", "b"}) {
                assertThat(FiniteDifferences.maxRelativeError(g, feeds, wrt, 5)).as(op.type() + " d/d" + wrt).isLessThan(TOLERANCE);
            }
        }
    }

    /** A residual block with shared values (x used twice), a concat of two branches and torch's flatten. */
    @Test
    void residualGraphWithFanOutAndRuntimeShapes() {
        Graph g = Graph.builder(DataType.DOUBLE).input("x")
                .constant("w1", random(51, 3, 3, 3, 3)).constant("w2", random(52, 3, 3, 3, 3))
                .constant("bn_s", random(53, 3)).constant("bn_b", random(54, 3)).constant("bn_m", random(55, 3)).constant("bn_v", random(56, 3).addi(2))
                .constant("zero", Nd4j.createFromArray(0L)).constant("minus1", Nd4j.createFromArray(-1L))
                .constant("fc", random(57, 6 * 2 * 2, 4))
                .node("c1", conv().withPadding(Padding.symmetric(1, 1)), "x", "w1")
                .node("bn", new BatchNormalization(1e-5), "c1", "bn_s", "bn_b", "bn_m", "bn_v")
                .node("r1", new Relu(), "bn")
                .node("c2", conv().withPadding(Padding.symmetric(1, 1)), "r1", "w2")
                .node("sum", Arithmetic.add(), "c2", "x")
                .node("t", new Tanh(), "sum")
                .node("cat", new Concat(1), "t", "x")
                .node("pool", Pool.max(s(2, 2), s(2, 2), s(1, 1), Padding.none(), false), "cat")
                .node("shape", new ShapeOf(null, null), "pool")
                .node("n", new Gather(0), "shape", "zero")
                .node("n1", AxesReshape.unsqueeze(s(0)), "n")
                .node("m1", AxesReshape.unsqueeze(s(0)), "minus1")
                .node("spec", new Concat(0), "n1", "m1")
                .node("flat", new Reshape(false), "pool", "spec")
                .node("logits", new MatMul(), "flat", "fc")
                .output("logits").build();
        double err = FiniteDifferences.maxRelativeError(g, Map.of("x", random(58, 2, 3, 4, 4)), "x", 9);
        assertThat(err).isLessThan(TOLERANCE);
    }

    @Test
    void batchNormFoldedIntoConvIsTheSameFunctionWithTheSameGradient() {
        java.util.function.Function<Boolean, Graph> build = fold -> Graph.builder(DataType.DOUBLE).foldBatchNorm(fold).input("x")
                .constant("w", random(61, 4, 3, 3, 3)).constant("b", random(62, 4))
                .constant("s", random(63, 4)).constant("t", random(64, 4)).constant("m", random(65, 4)).constant("v", random(66, 4).addi(2))
                .node("conv", conv().withGroup(1).withStrides(2, 2).withPadding(Padding.of(1, 0, 0, 1)), "x", "w", "b")
                .node("bn", new BatchNormalization(1e-3), "conv", "s", "t", "m", "v")
                .node("out", new Tanh(), "bn").output("out").build();
        Graph folded = build.apply(true), plain = build.apply(false);
        assertThat(folded.nodes()).hasSize(2);
        assertThat(plain.nodes()).hasSize(3);
        INDArray x = random(67, 2, 3, 7, 6);
        assertThat(folded.output(x).sub(plain.output(x)).amaxNumber().doubleValue()).isLessThan(1e-12);
        INDArray r = random(68, folded.output(x).shape());
        INDArray g1 = folded.inputGradient(Map.of("x", x), "x", "out", o -> r.dup());
        INDArray g2 = plain.inputGradient(Map.of("x", x), "x", "out", o -> r.dup());
        assertThat(g1.sub(g2).amaxNumber().doubleValue()).isLessThan(1e-12);
        assertThat(FiniteDifferences.maxRelativeError(folded, Map.of("x", x), "x", 3)).isLessThan(TOLERANCE);
    }

    /** libnd4j's depthwise kernel against one ordinary convolution per input channel (output o = c*m + j). */
    @Test
    void depthwiseConvolutionMatchesOneConvolutionPerChannel() {
        for (DataType type : new DataType[]{DataType.DOUBLE, DataType.FLOAT}) {
            INDArray x = random(71, 2, 3, 7, 7).castTo(type), w = random(72, 6, 1, 3, 3).castTo(type), b = random(73, 6).castTo(type);
            Conv depthwise = conv().withGroup(3).withStrides(2, 1).withPadding(Padding.symmetric(1, 0));
            INDArray got = depthwise.forward(new INDArray[]{x, w, b});
            for (int c = 0; c < 3; c++) {
                INDArray xc = x.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(c, c + 1)).dup();
                INDArray wc = w.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2 * c, 2 * c + 2)).dup();
                INDArray bc = b.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(2 * c, 2 * c + 2)).dup();
                INDArray want = conv().withStrides(2, 1).withPadding(Padding.symmetric(1, 0)).forward(new INDArray[]{xc, wc, bc});
                INDArray part = got.get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.interval(2 * c, 2 * c + 2));
                assertThat(part.sub(want).amaxNumber().doubleValue()).as(type + " channel " + c).isLessThan(1e-5);
            }
        }
    }
}
