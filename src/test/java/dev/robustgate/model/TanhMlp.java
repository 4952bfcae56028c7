package dev.robustgate.model;

import dev.robustgate.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A small white box in double precision for adapter tests: logits = tanh(flat(z) W1) W2, taking
 * samples of any fixed shape in its own layout, with its input gradient written out by hand.
 */
final class TanhMlp implements DifferentiableClassifier {
    private final long[] shape;
    private final INDArray w1, w2;
    private final EvaluationCounter counter = new EvaluationCounter();

    TanhMlp(long[] shape, int hidden, int classes, long seed) {
        this.shape = shape.clone();
        long d = 1;
        for (long s : shape) d *= s;
        Nd4j.getRandom().setSeed(seed);
        this.w1 = Nd4j.randn(DataType.DOUBLE, d, hidden).muli(1.0 / Math.sqrt(d));
        this.w2 = Nd4j.randn(DataType.DOUBLE, hidden, classes);
    }

    @Override public String name() { return "tanh-mlp"; }
    @Override public long[] sampleShape() { return shape.clone(); }
    @Override public int numClasses() { return (int) w2.size(1); }
    @Override public EvaluationCounter counter() { return counter; }

    @Override public INDArray probabilities(INDArray inputs) { return Transforms.softmax(logits(inputs), false); }

    @Override
    public INDArray logits(INDArray inputs) {
        InputChecks.requireBatchOf(this, inputs);
        counter.addForward(inputs.size(0));
        return hidden(inputs).mmul(w2);
    }

    private INDArray hidden(INDArray inputs) {
        INDArray flat = inputs.castTo(DataType.DOUBLE).reshape('c', inputs.size(0), w1.size(0));
        return Transforms.tanh(flat.mmul(w1), true);
    }

    @Override
    public INDArray lossGradient(INDArray inputs, int[] labels) {
        InputChecks.requireBatchOf(this, inputs);
        counter.addGradient(inputs.size(0));
        INDArray h = hidden(inputs);
        INDArray dLogits = Transforms.softmax(h.mmul(w2), true).subi(Dataset.oneHot(labels, numClasses()).castTo(DataType.DOUBLE));
        INDArray dPre = dLogits.mmul(w2.transpose()).muli(h.mul(h).rsubi(1.0));
        return dPre.mmul(w1.transpose()).reshape('c', inputs.shape()).castTo(inputs.dataType());
    }
}
