package dev.robustgate.attack;

import dev.robustgate.model.Classifier;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.EvaluationCounter;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A black box seen through the runner's white-box interface, for score-based attacks: logits are
 * log-probabilities (the same arg-max and the same margins), and asking for a gradient is a bug.
 * Queries count on the wrapped model's counter.
 */
final class ScoresOnly implements DifferentiableClassifier {
    private final Classifier model;

    private ScoresOnly(Classifier model) {
        this.model = model;
    }

    static DifferentiableClassifier of(Classifier model) {
        return model instanceof DifferentiableClassifier d ? d : new ScoresOnly(model);
    }

    @Override public String name() { return model.name(); }
    @Override public long[] sampleShape() { return model.sampleShape(); }
    @Override public int numClasses() { return model.numClasses(); }
    @Override public INDArray probabilities(INDArray inputs) { return model.probabilities(inputs); }
    @Override public EvaluationCounter counter() { return model.counter(); }

    @Override
    public INDArray logits(INDArray inputs) {
        return Transforms.log(model.probabilities(inputs).add(1e-30), false);
    }

    @Override
    public INDArray lossGradient(INDArray inputs, int[] labels) {
        throw new UnsupportedOperationException(model.name() + " is a black box: a score-based attack asked for a gradient");
    }
}
