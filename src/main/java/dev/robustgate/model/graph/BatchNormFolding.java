package dev.robustgate.model.graph;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds an inference-mode BatchNormalization ({@link ChannelAffine}) into the convolution
 * ({@link ChannelLinear}) before it, when the convolution's
 * output feeds nothing else and all parameters are constants: W'[o] = W[o] s[o], b' = b s + t. One
 * op and one activation-sized pass fewer in both directions; same function, so the same gradient.
 */
final class BatchNormFolding {
    private BatchNormFolding() {}

    static List<Node> apply(List<Node> nodes, Map<String, INDArray> constants, List<String> outputs) {
        Map<String, Integer> uses = new HashMap<>();
        Map<String, Node> producer = new HashMap<>();
        for (Node n : nodes) {
            producer.put(n.output(), n);
            for (String in : n.inputs()) uses.merge(in, 1, Integer::sum);
        }
        Map<Node, Node> replaced = new HashMap<>();
        List<Node> dropped = new ArrayList<>();
        for (Node bn : nodes) {
            if (!(bn.op() instanceof ChannelAffine op) || bn.inputs().size() != 1 + op.parameterCount()) continue;
            Node conv = producer.get(bn.inputs().get(0));
            if (conv == null || !(conv.op() instanceof ChannelLinear) || replaced.containsKey(conv)) continue;
            if (uses.getOrDefault(conv.output(), 0) != 1 || outputs.contains(conv.output())) continue;
            INDArray w = constants.get(conv.inputs().get(1));
            String biasName = conv.inputs().size() > 2 ? conv.inputs().get(2) : "";
            INDArray b = biasName.isEmpty() ? null : constants.get(biasName);
            if (w == null || w.rank() != 4 || (!biasName.isEmpty() && b == null)) continue;
            INDArray[] p = new INDArray[op.parameterCount()];
            boolean allConstant = true;
            for (int k = 0; k < p.length; k++) {
                p[k] = constants.get(bn.inputs().get(k + 1));
                allConstant &= p[k] != null;
            }
            if (!allConstant) continue;
            INDArray[] st = op.scaleAndShift(p);
            if (st[0].length() != w.size(0)) continue;
            INDArray s = st[0].castTo(w.dataType());
            INDArray t = st[1].castTo(w.dataType());
            INDArray wFolded = w.dup('c');
            wFolded.reshape('c', w.size(0), w.length() / w.size(0)).muliColumnVector(s.reshape(-1, 1));
            INDArray bFolded = b == null ? t.dup() : b.reshape(-1).mul(s).addi(t);
            String wName = fresh(conv.name() + "/W+" + bn.name(), constants), bName = fresh(conv.name() + "/b+" + bn.name(), constants);
            constants.put(wName, wFolded);
            constants.put(bName, bFolded);
            replaced.put(conv, new Node(conv.name() + "+" + bn.name(), conv.op(), List.of(conv.inputs().get(0), wName, bName), bn.output()));
            dropped.add(bn);
        }
        if (replaced.isEmpty()) return nodes;
        List<Node> out = new ArrayList<>();
        for (Node n : nodes) {
            if (dropped.contains(n)) continue;
            out.add(replaced.getOrDefault(n, n));
        }
        return out;
    }

    private static String fresh(String name, Map<String, INDArray> constants) {
        String n = name;
        for (int i = 2; constants.containsKey(n); i++) n = name + "#" + i;
        return n;
    }
}
