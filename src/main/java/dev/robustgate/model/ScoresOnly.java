package dev.robustgate.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A black box seen through the white-box interface, so that score-based attacks (Square), the
 * engine and the masking checks that need only scores can run on it: logits are log-probabilities
 * (the same arg-max and the same logit margins, since log p_i - log p_j = z_i - z_j), and asking
 * for a gradient is refused with one line. {@link #hasInputGradients()} is false, so callers can
 * refuse gradient attacks up front instead of failing mid-run. Queries count on the wrapped
 * model's counter.
 */
public final class ScoresOnly implements DifferentiableClassifier {
    private final Classifier model;

    private ScoresOnly(Classifier model) {
        this.model = model;
    }

    /** {@code model} itself when it is a white box, else its score-only view. */
    public static DifferentiableClassifier of(Classifier model) {
        return model instanceof DifferentiableClassifier d ? d : new ScoresOnly(model);
    }

    /** The black box behind this view. */
    public Classifier unwrap() { return model; }

    @Override public String name() { return model.name(); }
    @Override public long[] sampleShape() { return model.sampleShape(); }
    @Override public int numClasses() { return model.numClasses(); }
    @Override public INDArray probabilities(INDArray inputs) { return model.probabilities(inputs); }
    @Override public EvaluationCounter counter() { return model.counter(); }
    @Override public boolean hasInputGradients() { return false; }

    @Override
    public INDArray logits(INDArray inputs) {
        return Transforms.log(model.probabilities(inputs).add(1e-30), false);
    }

    @Override
    public INDArray lossGradient(INDArray inputs, int[] labels) {
        throw new UnsupportedOperationException(model.name() + " is a black box (scores only): an attack asked for an input gradient");
    }

    @Override
    public INDArray logitGradient(INDArray inputs, INDArray weights) {
        throw new UnsupportedOperationException(model.name() + " is a black box (scores only): an attack asked for an input gradient");
    }
}
