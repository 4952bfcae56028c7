package dev.robustgate.attack;

import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.EvaluationCounter;
import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Expectation over transformation (Athalye, Carlini &amp; Wagner 2018): a randomised model seen through
 * the average of R draws. Logits and loss gradients are the means of R calls of the wrapped model,
 * probabilities the softmax of the mean logits, so an attack ascends the expected loss instead of
 * one draw's. Costs R times the wrapped model's evaluations, all on its counter. On a deterministic
 * model it only costs more.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
public final class ExpectationOverTransformation implements DifferentiableClassifier {
    private final DifferentiableClassifier model;
    private final int draws;

    private ExpectationOverTransformation(DifferentiableClassifier model, int draws) {
        if (draws < 1) throw new IllegalArgumentException("EOT draws must be >= 1, got " + draws);
        this.model = model;
        this.draws = draws;
    }

    public static DifferentiableClassifier of(DifferentiableClassifier model, int draws) {
        return draws == 1 ? model : new ExpectationOverTransformation(model, draws);
    }

    public int draws() { return draws; }

    @Override public String name() { return model.name(); }
    @Override public long[] sampleShape() { return model.sampleShape(); }
    @Override public int numClasses() { return model.numClasses(); }
    @Override public EvaluationCounter counter() { return model.counter(); }
    @Override public boolean hasInputGradients() { return model.hasInputGradients(); }

    @Override
    public INDArray logits(INDArray inputs) {
        INDArray sum = model.logits(inputs).dup();
        for (int r = 1; r < draws; r++) sum.addi(model.logits(inputs));
        return sum.divi(draws);
    }

    @Override
    public INDArray probabilities(INDArray inputs) {
        return Transforms.softmax(logits(inputs), false);
    }

    @Override
    public INDArray lossGradient(INDArray inputs, int[] labels) {
        INDArray sum = model.lossGradient(inputs, labels).dup();
        for (int r = 1; r < draws; r++) sum.addi(model.lossGradient(inputs, labels));
        return sum.divi(draws);
    }

    @Override public boolean seedsLogitGradient() { return model.seedsLogitGradient(); }

    @Override
    public INDArray logitGradient(INDArray inputs, INDArray weights) {
        INDArray sum = model.logitGradient(inputs, weights).dup();
        for (int r = 1; r < draws; r++) sum.addi(model.logitGradient(inputs, weights));
        return sum.divi(draws);
    }
}
