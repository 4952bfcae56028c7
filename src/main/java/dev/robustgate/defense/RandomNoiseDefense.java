package dev.robustgate.defense;

import dev.robustgate.attack.Seeds;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.EvaluationCounter;
import dev.robustgate.model.InputChecks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A randomised defence at inference (Gaussian input noise, in the spirit of Cohen et al. 2019's
 * base classifier and of the randomised defences Athalye et al. 2018 broke): every call adds fresh
 * noise N(0, sigma^2) to each pixel before the wrapped model, so two identical calls can answer
 * differently and one draw's gradient is a noisy estimate of the expected one. Gradients are exact
 * for the draw they use (the noise is additive). Draws are keyed by (seed, call number, row), so a
 * run is reproducible from its seed; they depend on the order of calls, not on sample ids.
 */
public final class RandomNoiseDefense implements DifferentiableClassifier {
    private final DifferentiableClassifier model;
    private final double sigma;
    private final long seed;
    private final AtomicLong calls = new AtomicLong();

    private RandomNoiseDefense(DifferentiableClassifier model, double sigma, long seed) {
        if (!(sigma > 0) || !Double.isFinite(sigma)) throw new IllegalArgumentException("sigma must be a finite number > 0, got " + sigma);
        this.model = model;
        this.sigma = sigma;
        this.seed = seed;
    }

    public static RandomNoiseDefense of(DifferentiableClassifier model, double sigma, long seed) {
        return new RandomNoiseDefense(model, sigma, seed);
    }

    /** The same defence with another stream of draws (e.g. to evaluate adversarials on fresh noise). */
    public RandomNoiseDefense reseeded(long s) {
        return new RandomNoiseDefense(model, sigma, s);
    }

    public double sigma() { return sigma; }

    @Override public String name() { return model.name() + "+noise(" + sigma + ")"; }
    @Override public long[] sampleShape() { return model.sampleShape(); }
    @Override public int numClasses() { return model.numClasses(); }
    @Override public EvaluationCounter counter() { return model.counter(); }
    @Override public boolean hasInputGradients() { return model.hasInputGradients(); }

    @Override
    public INDArray probabilities(INDArray inputs) {
        return model.probabilities(noisy(inputs));
    }

    @Override
    public INDArray logits(INDArray inputs) {
        return model.logits(noisy(inputs));
    }

    @Override
    public INDArray lossGradient(INDArray inputs, int[] labels) {
        return model.lossGradient(noisy(inputs), labels);
    }

    @Override public boolean seedsLogitGradient() { return model.seedsLogitGradient(); }

    @Override
    public INDArray logitGradient(INDArray inputs, INDArray weights) {
        return model.logitGradient(noisy(inputs), weights);
    }

    private INDArray noisy(INDArray inputs) {
        InputChecks.requireBatchOf(this, inputs);
        long call = calls.getAndIncrement();
        int n = (int) inputs.size(0);
        int d = (int) (inputs.length() / n);
        float[] noise = new float[n * d];
        for (int i = 0; i < n; i++) {
            SplittableRandom rnd = new SplittableRandom(Seeds.mix(seed, call, i));
            for (int j = 0; j < d; j++) {
                double u = 1.0 - rnd.nextDouble();
                double v = rnd.nextDouble();
                noise[i * d + j] = (float) (sigma * Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v));
            }
        }
        return Nd4j.create(noise, inputs.shape()).castTo(inputs.dataType()).addi(inputs);
    }
}
