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
        return meanOverDraws(() -> model.logits(inputs));
    }

    @Override
    public INDArray probabilities(INDArray inputs) {
        return Transforms.softmax(logits(inputs), false);
    }

    @Override
    public INDArray lossGradient(INDArray inputs, int[] labels) {
        return meanOverDraws(() -> model.lossGradient(inputs, labels));
    }

    @Override public boolean seedsLogitGradient() { return model.seedsLogitGradient(); }

    @Override
    public INDArray logitGradient(INDArray inputs, INDArray weights) {
        return meanOverDraws(() -> model.logitGradient(inputs, weights));
    }

    /** The mean of {@link #draws} calls of the randomised model. */
    private INDArray meanOverDraws(java.util.function.Supplier<INDArray> draw) {
        INDArray sum = draw.get().dup();
        for (int r = 1; r < draws; r++) sum.addi(draw.get());
        return sum.divi(draws);
    }
}
