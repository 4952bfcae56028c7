package dev.robustgate.extraction;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;

/**
 * Regression of a network's centred logits on target logits: per sample
 * {@code 1/2 ||(z - mean z) - (t - mean t)||^2}, where z is the output layer's pre-activation and t
 * are the victim's log-probabilities (its logits up to a constant shared by the classes, which the
 * centring removes). The output layer keeps its softmax for prediction; this loss reads z directly
 * and ignores the activation.
 *
 * <p>Why a knockoff needs it: a confident victim answers noise queries with nearly all its mass on
 * one class, so cross-entropy on those probabilities teaches almost nothing about the other
 * classes, while their logarithms still carry every logit difference the answer holds (mimic
 * learning on logits, Ba and Caruana 2014). The gradient is the centred residual: centring is a
 * projection P, and the gradient of {@code 1/2 ||P z - P t||^2} is {@code P (z - t)}.
 */
public final class LogitMatchingLoss implements ILossFunction {

    /** A mask here weighs whole samples ([n, 1] or [n]); per-class masks have no meaning for centred logits. */
    private static INDArray sampleMask(INDArray mask, long n) {
        if (mask.length() != n) {
            throw new IllegalArgumentException("logit matching takes a per-sample mask of " + n + " values, got shape "
                    + java.util.Arrays.toString(mask.shape()));
        }
        return mask.reshape(n, 1);
    }

    private static INDArray residual(INDArray targets, INDArray preOutput) {
        INDArray r = preOutput.castTo(targets.dataType()).sub(targets);
        return r.subiColumnVector(r.mean(true, 1));
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray r = residual(labels, preOutput);
        INDArray score = r.muli(r).sum(true, 1).muli(0.5);
        return mask == null ? score : score.muliColumnVector(sampleMask(mask, score.size(0)).castTo(score.dataType()));
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? sum / labels.size(0) : sum;
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray g = residual(labels, preOutput).castTo(preOutput.dataType());
        return mask == null ? g : g.muliColumnVector(sampleMask(mask, g.size(0)).castTo(g.dataType()));
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    @Override
    public String name() {
        return "LogitMatching";
    }

    @Override
    public String toString() {
        return name() + "()";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogitMatchingLoss;
    }

    @Override
    public int hashCode() {
        return LogitMatchingLoss.class.hashCode();
    }
}
