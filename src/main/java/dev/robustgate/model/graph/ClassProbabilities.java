package dev.robustgate.model.graph;

/**
 * An op that turns class scores into probabilities along {@link #axis()} (a softmax). When it ends
 * a graph, {@link GraphClassifier} reads the logits at its input.
 */
public interface ClassProbabilities extends Op {
    int axis();
}
