package dev.robustgate.model.load;

import onnx.Onnx;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** One ONNX node while it is translated: its attributes, its constant inputs and its label. */
final class OnnxNode {
    private final Onnx.NodeProto proto;
    private final String label;
    private final int opset;
    private final Map<String, INDArray> constants;

    OnnxNode(Onnx.NodeProto proto, String label, int opset, Map<String, INDArray> constants) {
        this.proto = proto;
        this.label = label;
        this.opset = opset;
        this.constants = constants;
    }

    String type() { return proto.getOpType(); }
    /** The node's name, or "#index OpType" for an unnamed node. */
    String label() { return label; }
    int opset() { return opset; }
    List<String> inputs() { return proto.getInputList(); }
    List<String> outputs() { return proto.getOutputList(); }

    private Onnx.AttributeProto attr(String name) {
        for (Onnx.AttributeProto a : proto.getAttributeList()) if (a.getName().equals(name)) return a;
        return null;
    }

    boolean has(String name) { return attr(name) != null; }

    long i(String name, long dflt) {
        Onnx.AttributeProto a = attr(name);
        return a == null ? dflt : a.getI();
    }

    double f(String name, double dflt) {
        Onnx.AttributeProto a = attr(name);
        return a == null ? dflt : a.getF();
    }

    String s(String name, String dflt) {
        Onnx.AttributeProto a = attr(name);
        return a == null ? dflt : a.getS().toString(StandardCharsets.UTF_8);
    }

    /** An ints attribute, or {@code dflt} when absent. */
    long[] ints(String name, long[] dflt) {
        Onnx.AttributeProto a = attr(name);
        return a == null ? dflt : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
    }

    Onnx.TensorProto tensor(String name) {
        Onnx.AttributeProto a = attr(name);
        return a == null || !a.hasT() ? null : a.getT();
    }

    List<Float> floats(String name) {
        Onnx.AttributeProto a = attr(name);
        return a == null ? null : a.getFloatsList();
    }

    /** Whether input {@code k} is given (present and not the empty name of an omitted optional input). */
    boolean hasInput(int k) {
        return k < proto.getInputCount() && !proto.getInput(k).isEmpty();
    }

    /** Input {@code k}'s constant value, or null when it is omitted. Refused when it is computed at run time. */
    INDArray constantInput(int k, String what) {
        if (!hasInput(k)) return null;
        INDArray v = constants.get(proto.getInput(k));
        if (v == null) {
            throw new UnsupportedOnnxException(type() + " node '" + label + "' computes its " + what
                    + " at run time ('" + proto.getInput(k) + "'); only constant " + what + " is supported");
        }
        return v;
    }

    /** A refusal naming this node: "{type} node '{label}': {why}". */
    UnsupportedOnnxException refuse(String why) {
        return new UnsupportedOnnxException(type() + " node '" + label + "': " + why);
    }
}
