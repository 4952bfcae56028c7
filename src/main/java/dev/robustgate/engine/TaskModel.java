package dev.robustgate.engine;

import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.EvaluationCounter;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One task's view of a model that concurrent tasks share: it forwards every call and counts that
 * task's evaluations on a counter of its own (as the model's contract counts them: N samples in,
 * N forward or gradient evaluations), so that a partition's cost is its own work and nobody
 * else's, and a retried task's failed attempt is not counted in the result.
 */
final class TaskModel implements DifferentiableClassifier {
    private final DifferentiableClassifier model;
    private final EvaluationCounter counter = new EvaluationCounter();

    TaskModel(DifferentiableClassifier model) {
        this.model = model;
    }

    @Override public String name() { return model.name(); }
    @Override public long[] sampleShape() { return model.sampleShape(); }
    @Override public int numClasses() { return model.numClasses(); }
    @Override public EvaluationCounter counter() { return counter; }
    @Override public boolean hasInputGradients() { return model.hasInputGradients(); }

    @Override
    public INDArray probabilities(INDArray inputs) {
        INDArray p = model.probabilities(inputs);
        counter.addForward(inputs.size(0));
        return p;
    }

    @Override
    public INDArray logits(INDArray inputs) {
        INDArray z = model.logits(inputs);
        counter.addForward(inputs.size(0));
        return z;
    }

    @Override
    public INDArray lossGradient(INDArray inputs, int[] labels) {
        INDArray g = model.lossGradient(inputs, labels);
        counter.addGradient(inputs.size(0));
        return g;
    }

    @Override public boolean seedsLogitGradient() { return model.seedsLogitGradient(); }

    /**
     * Counted as the shared model counts it: one gradient evaluation per row when it seeds its
     * backward pass; otherwise through this task's own lossGradient, one counted pass per class.
     */
    @Override
    public INDArray logitGradient(INDArray inputs, INDArray weights) {
        if (!model.seedsLogitGradient()) return DifferentiableClassifier.super.logitGradient(inputs, weights);
        INDArray g = model.logitGradient(inputs, weights);
        counter.addGradient(inputs.size(0));
        return g;
    }
}
