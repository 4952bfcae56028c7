package dev.robustgate.model.load;

import dev.robustgate.model.graph.Op;
import dev.robustgate.model.graph.ops.Arithmetic;
import dev.robustgate.model.graph.ops.AxesReshape;
import dev.robustgate.model.graph.ops.BatchNormalization;
import dev.robustgate.model.graph.ops.Cast;
import dev.robustgate.model.graph.ops.Clip;
import dev.robustgate.model.graph.ops.Concat;
import dev.robustgate.model.graph.ops.ConstantOfShape;
import dev.robustgate.model.graph.ops.Slice;
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
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * ONNX operators (default domain) onto graph ops. Inputs that ONNX passes as tensors but that are
 * attributes in nature (pads, clip bounds, axes) must be constants and become the op's parameters;
 * everything else is wired as a graph input. Anything not listed here is refused by name.
 */
final class OnnxOps {
    private OnnxOps() {}

    /** The op and the node inputs it reads at run time. */
    record Translation(Op op, List<String> inputs) {}

    private static final Map<String, Function<OnnxNode, Translation>> TABLE = Map.ofEntries(
            Map.entry("Conv", OnnxOps::conv),
            Map.entry("Gemm", n -> wire(n, new Gemm(n.f("alpha", 1), n.f("beta", 1), n.i("transA", 0) != 0, n.i("transB", 0) != 0))),
            Map.entry("MatMul", n -> wire(n, new MatMul())),
            Map.entry("Add", n -> wire(n, Arithmetic.add())),
            Map.entry("Sub", n -> wire(n, Arithmetic.sub())),
            Map.entry("Mul", n -> wire(n, Arithmetic.mul())),
            Map.entry("Div", n -> wire(n, Arithmetic.div())),
            Map.entry("Relu", n -> wire(n, new Relu())),
            Map.entry("LeakyRelu", n -> wire(n, new LeakyRelu(n.f("alpha", 0.01)))),
            Map.entry("Sigmoid", n -> wire(n, new Sigmoid())),
            Map.entry("Tanh", n -> wire(n, new Tanh())),
            Map.entry("Softmax", n -> wire(n, n.opset() < 13 ? new Softmax((int) n.i("axis", 1), true) : new Softmax((int) n.i("axis", -1), false))),
            Map.entry("MaxPool", n -> pool(n, true)),
            Map.entry("AveragePool", n -> pool(n, false)),
            Map.entry("GlobalAveragePool", n -> wire(n, Reduce.globalAverage())),
            Map.entry("ReduceMean", n -> reduce(n, true)),
            Map.entry("ReduceSum", n -> reduce(n, false)),
            Map.entry("BatchNormalization", OnnxOps::batchNorm),
            Map.entry("Flatten", n -> wire(n, new Flatten((int) n.i("axis", 1)))),
            Map.entry("Reshape", n -> wire(n, new Reshape(n.i("allowzero", 0) != 0))),
            Map.entry("Transpose", n -> wire(n, new Transpose(n.has("perm") ? toInts(n.ints("perm", null)) : null))),
            Map.entry("Concat", n -> wire(n, new Concat((int) n.i("axis", 0)))),
            Map.entry("Pad", OnnxOps::pad),
            Map.entry("Clip", OnnxOps::clip),
            Map.entry("Identity", n -> wire(n, new Identity())),
            Map.entry("Dropout", OnnxOps::dropout),
            Map.entry("Shape", n -> wire(n, new ShapeOf(n.has("start") ? (int) n.i("start", 0) : null, n.has("end") ? (int) n.i("end", 0) : null))),
            Map.entry("Gather", n -> wire(n, new Gather((int) n.i("axis", 0)))),
            Map.entry("Unsqueeze", n -> axes(n, true)),
            Map.entry("Squeeze", n -> axes(n, false)),
            Map.entry("Cast", OnnxOps::cast),
            Map.entry("Slice", OnnxOps::slice),
            Map.entry("ConstantOfShape", OnnxOps::constantOfShape));

    static boolean supports(String opType) {
        return TABLE.containsKey(opType);
    }

    static String supportedList() {
        return String.join(", ", new TreeSet<>(TABLE.keySet())) + ", Constant";
    }

    static Translation translate(OnnxNode n) {
        Function<OnnxNode, Translation> t = TABLE.get(n.type());
        if (t == null) throw n.refuse("operator " + n.type() + " is not supported by the graph executor (supported: " + supportedList() + ")");
        if (n.outputs().size() != 1 && !(n.type().equals("Dropout") || n.type().equals("BatchNormalization") || n.type().equals("MaxPool"))) {
            throw n.refuse(n.outputs().size() + " outputs; only one is supported");
        }
        return t.apply(n);
    }

    private static Translation wire(OnnxNode n, Op op) {
        return new Translation(op, n.inputs());
    }

    private static Translation wireFirst(OnnxNode n, Op op, int count) {
        return new Translation(op, n.inputs().subList(0, Math.min(count, n.inputs().size())));
    }

    private static void onlyFirstOutput(OnnxNode n) {
        for (int k = 1; k < n.outputs().size(); k++) {
            if (!n.outputs().get(k).isEmpty()) throw n.refuse("output " + k + " ('" + n.outputs().get(k) + "') is not supported");
        }
    }

    private static long[] two(OnnxNode n, String name, long dflt, int rank) {
        long[] v = n.ints(name, null);
        if (v == null) { v = new long[rank]; Arrays.fill(v, dflt); }
        if (v.length != 2) throw n.refuse(name + " " + Arrays.toString(v) + ": only 2-D windows are supported");
        return v;
    }

    private static Padding padding(OnnxNode n) {
        long[] pads = n.ints("pads", null);
        if (pads != null && pads.length != 4) throw n.refuse("pads " + Arrays.toString(pads) + ": only 2-D windows are supported");
        return Padding.onnx(n.s("auto_pad", "NOTSET"), pads);
    }

    private static Translation conv(OnnxNode n) {
        long[] k = n.ints("kernel_shape", null);
        if (k != null && k.length != 2) throw n.refuse("kernel_shape " + Arrays.toString(k) + ": only 2-D convolutions are supported");
        return wire(n, new Conv(two(n, "strides", 1, 2), two(n, "dilations", 1, 2), padding(n), (int) n.i("group", 1)));
    }

    private static Translation pool(OnnxNode n, boolean max) {
        onlyFirstOutput(n);
        long[] k = n.ints("kernel_shape", null);
        if (k == null || k.length != 2) throw n.refuse("kernel_shape " + Arrays.toString(k) + ": only 2-D pooling is supported");
        if (n.i("storage_order", 0) != 0) throw n.refuse("storage_order 1 is not supported");
        boolean ceil = n.i("ceil_mode", 0) != 0;
        if (max) return wire(n, Pool.max(k, two(n, "strides", 1, 2), two(n, "dilations", 1, 2), padding(n), ceil));
        if (n.has("dilations") && Arrays.stream(n.ints("dilations", null)).anyMatch(d -> d != 1)) throw n.refuse("dilated average pooling is not supported");
        boolean includePad = n.i("count_include_pad", 0) != 0;
        if (includePad && ceil) throw n.refuse("ceil_mode with count_include_pad is not supported");
        return wire(n, Pool.average(k, two(n, "strides", 1, 2), padding(n), ceil, includePad));
    }

    private static Translation reduce(OnnxNode n, boolean mean) {
        long[] axes = n.ints("axes", null);
        if (n.hasInput(1)) axes = n.constantInput(1, "axes").castTo(DataType.LONG).toLongVector();
        boolean keep = n.i("keepdims", 1) != 0;
        int[] a = axes == null ? null : toInts(axes);
        boolean noop = n.i("noop_with_empty_axes", 0) != 0;
        if (mean && noop) throw n.refuse("noop_with_empty_axes is not supported for ReduceMean");
        return wireFirst(n, mean ? Reduce.mean(a, keep) : Reduce.sum(a, keep, noop), 1);
    }

    private static Translation batchNorm(OnnxNode n) {
        if (n.i("training_mode", 0) != 0) throw n.refuse("training_mode 1 (batch statistics) is not supported; export in eval mode");
        onlyFirstOutput(n);
        if (n.inputs().size() != 5) throw n.refuse("expected 5 inputs (x, scale, B, mean, var), got " + n.inputs().size());
        for (int k = 1; k < 5; k++) n.constantInput(k, "statistics and affine parameters");
        return wire(n, new BatchNormalization(n.f("epsilon", 1e-5)));
    }

    private static Translation pad(OnnxNode n) {
        String mode = n.s("mode", "constant");
        if (!mode.equals("constant")) throw n.refuse("mode '" + mode + "' is not supported (constant only)");
        long[] pads;
        double value;
        if (n.opset() < 11) {
            pads = n.ints("pads", null);
            value = n.f("value", 0);
        } else {
            if (n.hasInput(3)) throw n.refuse("the axes input is not supported");
            pads = n.constantInput(1, "pads").castTo(DataType.LONG).toLongVector();
            INDArray v = n.constantInput(2, "constant value");
            value = v == null ? 0 : v.getDouble(0);
        }
        if (pads == null) throw n.refuse("no pads");
        return wireFirst(n, new Pad(pads, value), 1);
    }

    private static Translation clip(OnnxNode n) {
        double lo, hi;
        if (n.opset() < 11) {
            lo = n.f("min", Double.NEGATIVE_INFINITY);
            hi = n.f("max", Double.POSITIVE_INFINITY);
        } else {
            INDArray min = n.constantInput(1, "min"), max = n.constantInput(2, "max");
            lo = min == null ? Double.NEGATIVE_INFINITY : min.getDouble(0);
            hi = max == null ? Double.POSITIVE_INFINITY : max.getDouble(0);
        }
        return wireFirst(n, new Clip(lo, hi), 1);
    }

    private static Translation dropout(OnnxNode n) {
        onlyFirstOutput(n);
        INDArray training = n.hasInput(2) ? n.constantInput(2, "training_mode") : null;
        if (training != null && training.getDouble(0) != 0) throw n.refuse("training_mode true is not supported");
        return wireFirst(n, new Identity("Dropout"), 1);
    }

    private static Translation axes(OnnxNode n, boolean unsqueeze) {
        long[] axes = n.ints("axes", null);
        if (n.hasInput(1)) axes = n.constantInput(1, "axes").castTo(DataType.LONG).toLongVector();
        if (unsqueeze && axes == null) throw n.refuse("no axes");
        return wireFirst(n, unsqueeze ? AxesReshape.unsqueeze(axes) : AxesReshape.squeeze(axes), 1);
    }

    private static Translation cast(OnnxNode n) {
        int to = (int) n.i("to", 0);
        DataType t = switch (to) {
            case OnnxTensors.FLOAT -> DataType.FLOAT;
            case OnnxTensors.DOUBLE -> DataType.DOUBLE;
            case OnnxTensors.INT64 -> DataType.LONG;
            case OnnxTensors.INT32 -> DataType.INT;
            default -> throw n.refuse("cast to ONNX element type " + to + " is not supported");
        };
        return wire(n, new Cast(t));
    }

    private static Translation slice(OnnxNode n) {
        if (n.opset() < 10) {
            return wireFirst(n, new Slice(n.ints("starts", null), n.ints("ends", null), n.ints("axes", null), null), 1);
        }
        long[] starts = longs(n.constantInput(1, "starts")), ends = longs(n.constantInput(2, "ends"));
        long[] axes = longs(n.constantInput(3, "axes")), steps = longs(n.constantInput(4, "steps"));
        return wireFirst(n, new Slice(starts, ends, axes, steps), 1);
    }

    private static Translation constantOfShape(OnnxNode n) {
        var t = n.tensor("value");
        INDArray v = t == null ? null : OnnxTensors.toArray(t);
        return wire(n, new ConstantOfShape(v == null ? 0 : v.getDouble(0), v == null ? DataType.FLOAT : v.dataType()));
    }

    private static long[] longs(INDArray a) {
        return a == null ? null : a.castTo(DataType.LONG).reshape(-1).toLongVector();
    }

    private static int[] toInts(long[] v) {
        return Arrays.stream(v).mapToInt(Math::toIntExact).toArray();
    }
}
