package dev.robustgate.model.graph;

import dev.robustgate.RobustGateException;

/** A graph that cannot be built or run: a missing value, a cycle, a shape an op refuses. */
public class GraphException extends RobustGateException {
    public GraphException(String message) {
        super(message);
    }

    public GraphException(String message, Throwable cause) {
        super(message, cause);
    }
}
