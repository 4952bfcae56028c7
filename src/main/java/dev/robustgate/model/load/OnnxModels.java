package dev.robustgate.model.load;

import dev.robustgate.RobustGateException;
import dev.robustgate.model.graph.Graph;
import dev.robustgate.model.graph.GraphBuilder;
import dev.robustgate.model.graph.GraphClassifier;
import dev.robustgate.model.graph.Op;
import onnx.Onnx;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.InvalidProtocolBufferException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ONNX models (opset 11-17 as torch and tf2onnx export them; older opsets where their semantics are
 * handled) onto the white-box {@link Graph}, parsed with the protobuf classes in nd4j-api. Nodes
 * whose inputs are all constants (Constant nodes, shape arithmetic on initializers) are evaluated
 * at load time; shape arithmetic on the input (torch's flatten) runs with the graph, so the batch
 * stays dynamic. Unnamed nodes are called "#index OpType". Every refusal is one line naming the
 * file, and for an unsupported op the op and the node.
 */
public final class OnnxModels {
    /** Opset versions whose operator semantics the translation was written against. */
    public static final int MIN_OPSET = 7, MAX_OPSET = 17;

    private OnnxModels() {}

    /** A classifier for the model's own declared input shape (batch dynamic or 1). */
    public static GraphClassifier load(Path file) {
        return load(file, null);
    }

    /** A classifier on samples shaped {@code sampleShape} (C,H,W or D), or the model's declared shape when null. */
    public static GraphClassifier load(Path file, long[] sampleShape) {
        Onnx.ModelProto model = parse(file);
        Graph graph = graph(file, model);
        long[] shape = sampleShape != null ? sampleShape : declaredSampleShape(file, model);
        String name = file.getFileName().toString().replaceFirst("\\.onnx$", "");
        try {
            return GraphClassifier.of(name, graph, shape);
        } catch (RuntimeException e) {
            throw new RobustGateException(file + ": " + e.getMessage(), e);
        }
    }

    /** The model file as a graph (all inputs and outputs kept), for tests and other adapters. */
    public static Graph graph(Path file) {
        return graph(file, parse(file));
    }

    static Onnx.ModelProto parse(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new RobustGateException(file + ": cannot read the ONNX model (" + e.getMessage() + ")", e);
        }
        try {
            Onnx.ModelProto m = Onnx.ModelProto.parseFrom(bytes);
            if (!m.hasGraph() || m.getGraph().getNodeCount() == 0) {
                throw new RobustGateException(file + ": not an ONNX model (no graph or no nodes in " + bytes.length + " bytes)");
            }
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new RobustGateException(file + ": not a readable ONNX model, truncated or corrupt (" + e.getMessage() + ")", e);
        }
    }

    static int opset(Path file, Onnx.ModelProto m) {
        for (Onnx.OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                int v = (int) o.getVersion();
                if (v < MIN_OPSET || v > MAX_OPSET) {
                    throw new RobustGateException(file + ": ONNX opset " + v + " is not supported (" + MIN_OPSET + "-" + MAX_OPSET + ")");
                }
                return v;
            }
        }
        throw new RobustGateException(file + ": the model imports no default-domain ONNX opset");
    }

    static Graph graph(Path file, Onnx.ModelProto model) {
        int opset = opset(file, model);
        Onnx.GraphProto g = model.getGraph();
        GraphBuilder b = Graph.builder(DataType.FLOAT);
        Map<String, INDArray> constants = new HashMap<>();
        try {
            for (Onnx.TensorProto t : g.getInitializerList()) {
                INDArray v = OnnxTensors.toArray(t);
                constants.put(t.getName(), b.constant(t.getName(), v).constantValue(t.getName()));
            }
        } catch (RuntimeException e) {
            throw new RobustGateException(file + ": " + e.getMessage(), e);
        }
        for (Onnx.ValueInfoProto in : g.getInputList()) {
            if (!constants.containsKey(in.getName())) b.input(in.getName());
        }
        List<Onnx.NodeProto> nodes = g.getNodeList();
        for (int i = 0; i < nodes.size(); i++) {
            Onnx.NodeProto p = nodes.get(i);
            String label = p.getName().isEmpty() ? "#" + i + " " + p.getOpType() : p.getName();
            OnnxNode n = new OnnxNode(p, label, opset, constants);
            try {
                add(b, n, p, constants);
            } catch (UnsupportedOnnxException e) {
                throw new RobustGateException(file + ": " + e.getMessage(), e);
            } catch (RuntimeException e) {
                throw new RobustGateException(file + ": " + p.getOpType() + " node '" + label + "': " + e.getMessage(), e);
            }
        }
        for (Onnx.ValueInfoProto out : g.getOutputList()) b.output(out.getName());
        try {
            return b.build();
        } catch (RuntimeException e) {
            throw new RobustGateException(file + ": " + e.getMessage(), e);
        }
    }

    private static void add(GraphBuilder b, OnnxNode n, Onnx.NodeProto p, Map<String, INDArray> constants) {
        if (!p.getDomain().isEmpty() && !p.getDomain().equals("ai.onnx")) {
            throw n.refuse("operator domain '" + p.getDomain() + "' is not supported");
        }
        String out = p.getOutput(0);
        if (p.getOpType().equals("Constant")) {
            constants.put(out, b.constant(out, constantValue(n)).constantValue(out));
            return;
        }
        OnnxOps.Translation t = OnnxOps.translate(n);
        if (foldable(t.inputs(), constants)) {
            INDArray[] ins = t.inputs().stream().map(s -> s.isEmpty() ? null : constants.get(s)).toArray(INDArray[]::new);
            Op op = t.op();
            INDArray v = op.forward(ins);
            constants.put(out, b.constant(out, v).constantValue(out));
            return;
        }
        b.node(n.label(), t.op(), t.inputs(), out);
    }

    private static boolean foldable(List<String> inputs, Map<String, INDArray> constants) {
        for (String s : inputs) if (!s.isEmpty() && !constants.containsKey(s)) return false;
        return true;
    }

    private static INDArray constantValue(OnnxNode n) {
        Onnx.TensorProto t = n.tensor("value");
        if (t != null) return OnnxTensors.toArray(t);
        if (n.has("value_float")) return org.nd4j.linalg.factory.Nd4j.scalar((float) n.f("value_float", 0));
        if (n.has("value_floats")) {
            List<Float> f = n.floats("value_floats");
            float[] v = new float[f.size()];
            for (int i = 0; i < v.length; i++) v[i] = f.get(i);
            return org.nd4j.linalg.factory.Nd4j.createFromArray(v);
        }
        if (n.has("value_int")) return org.nd4j.linalg.factory.Nd4j.scalar(n.i("value_int", 0));
        if (n.has("value_ints")) return org.nd4j.linalg.factory.Nd4j.createFromArray(n.ints("value_ints", null));
        throw n.refuse("no supported value attribute (value, value_float(s), value_int(s))");
    }

    /**
     * The input shape the file states, without the batch axis, with 0 for a dynamic axis (for the
     * caller to fill from a declaration); refused when the model has no single shaped input.
     */
    public static long[] statedSampleShape(Path file) {
        return statedSampleShape(file, parse(file));
    }

    private static long[] statedSampleShape(Path file, Onnx.ModelProto model) {
        Onnx.ValueInfoProto in = classifierInput(file, model);
        if (!in.getType().hasTensorType() || !in.getType().getTensorType().hasShape()) return new long[]{0, 0, 0};
        var dims = in.getType().getTensorType().getShape().getDimList();
        long[] shape = new long[Math.max(0, dims.size() - 1)];
        for (int i = 1; i < dims.size(); i++) {
            shape[i - 1] = dims.get(i).hasDimValue() ? Math.max(dims.get(i).getDimValue(), 0) : 0;
        }
        if (shape.length == 0) throw new RobustGateException(file + ": input '" + in.getName() + "' has no axes besides the batch");
        return shape;
    }

    /** The declared input shape without its batch axis; refused when a non-batch axis is dynamic. */
    static long[] declaredSampleShape(Path file, Onnx.ModelProto model) {
        Onnx.ValueInfoProto in = classifierInput(file, model);
        if (!in.getType().hasTensorType() || !in.getType().getTensorType().hasShape()) {
            throw new RobustGateException(file + ": input '" + in.getName() + "' declares no shape; give the input shape explicitly");
        }
        long[] shape = statedSampleShape(file, model);
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 0) {
                throw new RobustGateException(file + ": input '" + in.getName() + "' axis " + (i + 1) + " is dynamic ('"
                        + in.getType().getTensorType().getShape().getDim(i + 1).getDimParam() + "'); give the input shape explicitly");
            }
        }
        return shape;
    }

    /** The one graph input that is not an initializer: a classifier takes one input. */
    private static Onnx.ValueInfoProto classifierInput(Path file, Onnx.ModelProto model) {
        Set<String> init = new HashSet<>();
        for (Onnx.TensorProto t : model.getGraph().getInitializerList()) init.add(t.getName());
        List<Onnx.ValueInfoProto> inputs = new ArrayList<>();
        for (Onnx.ValueInfoProto in : model.getGraph().getInputList()) if (!init.contains(in.getName())) inputs.add(in);
        if (inputs.size() != 1) {
            throw new RobustGateException(file + ": a classifier takes one input, the model declares " + inputs.size());
        }
        return inputs.get(0);
    }
}
