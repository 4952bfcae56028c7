package dev.robustgate.model;

import dev.robustgate.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;

/**
 * Multinomial logistic regression in double precision: p = softmax(x W + b), W [D, K]. With two
 * classes and the first class's weights at zero it is binary logistic regression,
 * p(1|x) = sigmoid(w.x + b). Small and exact, it is the victim of equation-solving extraction,
 * where float32 rounding would hide the method's precision.
 */
public final class SoftmaxRegression implements Classifier {
    private final String name;
    private final long[] sampleShape;
    private final INDArray weights; // [D, K] double
    private final INDArray bias;    // [1, K] double
    private final EvaluationCounter counter = new EvaluationCounter();

    public SoftmaxRegression(String name, long[] sampleShape, INDArray weights, INDArray bias) {
        long d = Arrays.stream(sampleShape).reduce(1, (a, b) -> a * b);
        if (weights.rank() != 2 || weights.size(0) != d || weights.size(1) < 2) {
            throw new IllegalArgumentException("weights must be [" + d + ", K>=2] for samples "
                    + Arrays.toString(sampleShape) + ", got " + Arrays.toString(weights.shape()));
        }
        if (bias.length() != weights.size(1)) {
            throw new IllegalArgumentException("bias has " + bias.length() + " entries, expected " + weights.size(1));
        }
        this.name = name;
        this.sampleShape = sampleShape.clone();
        this.weights = weights.castTo(DataType.DOUBLE).dup();
        this.bias = bias.castTo(DataType.DOUBLE).reshape(1, weights.size(1)).dup();
    }

    /** Binary logistic regression p(1|x) = sigmoid(w.x + b) as a two-class model. */
    public static SoftmaxRegression logistic(String name, long[] sampleShape, double[] w, double b) {
        INDArray weights = Nd4j.zeros(DataType.DOUBLE, w.length, 2);
        weights.getColumn(1).assign(Nd4j.createFromArray(w));
        return new SoftmaxRegression(name, sampleShape, weights, Nd4j.createFromArray(0.0, b));
    }

    /**
     * Trains by full-batch gradient descent on cross-entropy + (l2/2)|W|^2, from zero weights (so the
     * result is deterministic without a seed).
     */
    public static SoftmaxRegression train(String name, Dataset data, int steps, double learningRate, double l2) {
        if (steps < 1 || !(learningRate > 0) || !(l2 >= 0)) {
            throw new IllegalArgumentException("need steps >= 1, learning rate > 0, l2 >= 0; got " + steps + ", "
                    + learningRate + ", " + l2);
        }
        int n = data.size();
        int k = data.numClasses();
        INDArray x = data.features().reshape(n, data.sampleLength()).castTo(DataType.DOUBLE);
        INDArray y = data.labelsOneHot().castTo(DataType.DOUBLE);
        INDArray w = Nd4j.zeros(DataType.DOUBLE, x.size(1), k);
        INDArray b = Nd4j.zeros(DataType.DOUBLE, 1, k);
        for (int s = 0; s < steps; s++) {
            INDArray p = Transforms.softmax(x.mmul(w).addiRowVector(b), false);
            INDArray err = p.subi(y).divi(n);
            w.subi(x.transpose().mmul(err).addi(w.mul(l2)).muli(learningRate));
            b.subi(err.sum(true, 0).muli(learningRate));
        }
        return new SoftmaxRegression(name, data.sampleShape(), w, b);
    }

    /** [D, K], a copy. */
    public INDArray weights() { return weights.dup(); }
    /** [1, K], a copy. */
    public INDArray bias() { return bias.dup(); }

    @Override public String name() { return name; }
    @Override public long[] sampleShape() { return sampleShape.clone(); }
    @Override public int numClasses() { return (int) weights.size(1); }
    @Override public EvaluationCounter counter() { return counter; }

    /** Logits [N, K] in double precision. */
    public INDArray logits(INDArray inputs) {
        InputChecks.requireBatchOf(this, inputs);
        long n = inputs.size(0);
        return inputs.reshape(n, weights.size(0)).castTo(DataType.DOUBLE).mmul(weights).addiRowVector(bias);
    }

    /** Double-precision probabilities [N, K]. */
    @Override
    public INDArray probabilities(INDArray inputs) {
        INDArray z = logits(inputs);
        counter.addForward(inputs.size(0));
        return Transforms.softmax(z, false);
    }
}
