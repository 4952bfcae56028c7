package dev.robustgate.model.graph;

import java.util.List;

/** One step of a {@link Graph}: {@code output = op(inputs...)}, each input a value's name. */
public record Node(String name, Op op, List<String> inputs, String output) {
    public Node {
        inputs = List.copyOf(inputs);
    }

    @Override
    public String toString() {
        return name + " (" + op.type() + ")";
    }
}
