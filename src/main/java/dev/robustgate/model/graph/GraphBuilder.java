package dev.robustgate.model.graph;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link Graph} by hand or from a model file: declare inputs and constants, add nodes in
 * any order (they are sorted topologically), name the outputs. Every value has one name: a graph
 * input, a constant or a node's output. Floating-point constants are cast to the graph's data type.
 *
 * <pre>{@code
 * Graph g = Graph.builder(DataType.FLOAT)
 *     .input("x")
 *     .constant("W", w).constant("b", b)               // W: OIHW [oC, iC, kH, kW]
 *     .node("conv1", Conv.builder().pads(1, 1, 1, 1).build(), "x", "W", "b")
 *     .node("relu1", new Relu(), "conv1")
 *     .output("relu1")
 *     .build();
 * }</pre>
 */
public final class GraphBuilder {
    private final DataType dataType;
    private final List<String> inputs = new ArrayList<>();
    private final List<String> outputs = new ArrayList<>();
    private final Map<String, INDArray> constants = new LinkedHashMap<>();
    private final List<Node> nodes = new ArrayList<>();
    private boolean foldBatchNorm = true;

    GraphBuilder(DataType dataType) {
        if (!dataType.isFPType()) throw new IllegalArgumentException("a graph computes in a floating-point type, got " + dataType);
        this.dataType = dataType;
    }

    public DataType dataType() { return dataType; }

    public GraphBuilder input(String name) {
        requireNew(name);
        inputs.add(name);
        return this;
    }

    public GraphBuilder constant(String name, INDArray value) {
        requireNew(name);
        constants.put(name, value.dataType().isFPType() && value.dataType() != dataType ? value.castTo(dataType) : value);
        return this;
    }

    /** A node whose output value is named like the node itself. */
    public GraphBuilder node(String name, Op op, String... inputNames) {
        return node(name, op, List.of(inputNames), name);
    }

    /** A node with its own output name ("" in {@code inputNames} marks an omitted optional input). */
    public GraphBuilder node(String name, Op op, List<String> inputNames, String output) {
        requireNew(output);
        nodes.add(new Node(name, op, inputNames, output));
        return this;
    }

    public GraphBuilder output(String name) {
        outputs.add(name);
        return this;
    }

    /**
     * Whether {@link #build} folds a BatchNormalization into the convolution before it (default
     * true; see BatchNormFolding). Off keeps every node as added, e.g. to test the ops separately.
     */
    public GraphBuilder foldBatchNorm(boolean fold) {
        this.foldBatchNorm = fold;
        return this;
    }

    public boolean has(String value) {
        return inputs.contains(value) || constants.containsKey(value)
                || nodes.stream().anyMatch(n -> n.output().equals(value));
    }

    /** A constant's value, or null when {@code value} is not a constant. */
    public INDArray constantValue(String value) {
        return constants.get(value);
    }

    public Graph build() {
        if (inputs.isEmpty()) throw new GraphException("the graph has no input");
        if (outputs.isEmpty()) throw new GraphException("the graph has no output");
        List<Node> sorted = topologicalOrder();
        for (String o : outputs) {
            if (!has(o)) throw new GraphException("output '" + o + "' is not computed by any node");
        }
        Map<String, INDArray> consts = new LinkedHashMap<>(constants);
        if (foldBatchNorm) sorted = BatchNormFolding.apply(sorted, consts, outputs);
        return new Graph(dataType, inputs, outputs, consts, sorted);
    }

    private List<Node> topologicalOrder() {
        Map<String, Node> producer = new HashMap<>();
        for (Node n : nodes) producer.put(n.output(), n);
        Map<Node, Integer> missing = new HashMap<>();
        Map<String, List<Node>> consumers = new HashMap<>();
        Deque<Node> ready = new ArrayDeque<>();
        for (Node n : nodes) {
            int m = 0;
            for (String in : n.inputs()) {
                if (in.isEmpty() || inputs.contains(in) || constants.containsKey(in)) continue;
                if (!producer.containsKey(in)) {
                    throw new GraphException("node " + n + " reads '" + in + "', which no input, constant or node provides");
                }
                m++;
                consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
            }
            missing.put(n, m);
            if (m == 0) ready.add(n);
        }
        List<Node> order = new ArrayList<>();
        while (!ready.isEmpty()) {
            Node n = ready.poll();
            order.add(n);
            for (Node c : consumers.getOrDefault(n.output(), List.of())) {
                if (missing.merge(c, -1, Integer::sum) == 0) ready.add(c);
            }
        }
        if (order.size() != nodes.size()) {
            List<Node> stuck = new ArrayList<>(nodes);
            stuck.removeAll(order);
            throw new GraphException("the graph has a cycle through " + stuck);
        }
        return order;
    }

    private void requireNew(String name) {
        if (name == null || name.isEmpty()) throw new GraphException("a value needs a non-empty name");
        if (has(name)) throw new GraphException("value '" + name + "' is defined twice");
    }

    @Override
    public String toString() {
        return "GraphBuilder" + Arrays.asList(inputs, nodes.size() + " nodes", outputs);
    }
}
