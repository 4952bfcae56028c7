package dev.robustgate.model.graph;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.EvaluationCounter;
import dev.robustgate.model.InputChecks;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.Map;

/**
 * A classifier over a {@link Graph} with one input (NCHW or flat, as RobustGate passes it) and one
 * output of class scores [N, K]. When the graph ends in a softmax over the class axis, the logits
 * are that softmax's input, so gradients never pass through a saturated softmax.
 *
 * <p>Inputs are evaluated in batches of at most {@code batchSize} samples, each batch's
 * intermediates freed before the next, so memory stays bounded however many samples one call gets.
 */
public final class GraphClassifier implements DifferentiableClassifier {
    /** Why 256: a batch of 3x32x32 residual-CNN activations stays in the tens of MB. */
    public static final int DEFAULT_BATCH = 256;

    private final String name;
    private final Graph graph;
    private final long[] sampleShape;
    private final String input;
    private final String logits;
    private final int numClasses;
    private final int batchSize;
    private final EvaluationCounter counter = new EvaluationCounter();

    private GraphClassifier(String name, Graph graph, long[] sampleShape, String logits, int numClasses, int batchSize) {
        this.name = name;
        this.graph = graph;
        this.sampleShape = sampleShape.clone();
        this.input = graph.inputs().get(0);
        this.logits = logits;
        this.numClasses = numClasses;
        this.batchSize = batchSize;
    }

    /**
     * The classifier for {@code graph} on samples shaped {@code sampleShape}; runs one zero sample
     * through it to check the shape and count the classes (refused with one line when they do not fit).
     */
    public static GraphClassifier of(String name, Graph graph, long[] sampleShape) {
        return of(name, graph, sampleShape, DEFAULT_BATCH);
    }

    public static GraphClassifier of(String name, Graph graph, long[] sampleShape, int batchSize) {
        if (graph.inputs().size() != 1) {
            throw new GraphException(name + ": a classifier graph takes one input, this one takes " + graph.inputs());
        }
        if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1, got " + batchSize);
        String out = graph.outputs().get(0);
        Node last = graph.producer(out);
        String logits = last != null && endsInClassSoftmax(last) ? last.inputs().get(0) : out;
        long[] probeShape = new long[sampleShape.length + 1];
        probeShape[0] = 1;
        System.arraycopy(sampleShape, 0, probeShape, 1, sampleShape.length);
        INDArray z;
        try {
            z = graph.run(Map.of(graph.inputs().get(0), Nd4j.zeros(graph.dataType(), probeShape)), java.util.List.of(logits)).get(logits);
        } catch (RuntimeException e) {
            throw new GraphException(name + ": input shape " + Arrays.toString(sampleShape) + " does not fit the model: " + e.getMessage(), e);
        }
        if (z.rank() != 2 || z.size(0) != 1) {
            throw new GraphException(name + ": the model's output " + Arrays.toString(z.shape())
                    + " is not one row of class scores [N, K] for input " + Arrays.toString(probeShape));
        }
        return new GraphClassifier(name, graph, sampleShape, logits, (int) z.size(1), batchSize);
    }

    private static boolean endsInClassSoftmax(Node n) {
        // A rank-2 output checked at construction: axis 1 / -1, or the 2-D coerced form with axis 1.
        return n.op() instanceof ClassProbabilities s && (s.axis() == -1 || s.axis() == 1);
    }

    public Graph graph() { return graph; }
    /** The value read as logits: the graph's output, or the input of its final softmax. */
    public String logitsValue() { return logits; }

    @Override public String name() { return name; }
    @Override public long[] sampleShape() { return sampleShape.clone(); }
    @Override public int numClasses() { return numClasses; }
    @Override public EvaluationCounter counter() { return counter; }

    @Override
    public INDArray probabilities(INDArray inputs) {
        INDArray z = logits(inputs);
        return Transforms.softmax(z, false);
    }

    @Override
    public INDArray logits(INDArray inputs) {
        InputChecks.requireBatchOf(this, inputs);
        counter.addForward(inputs.size(0));
        long n = inputs.size(0);
        INDArray result = Nd4j.create(inputs.dataType(), n, numClasses);
        for (long from = 0; from < n; from += batchSize) {
            long to = Math.min(n, from + batchSize);
            INDArray x = batch(inputs, from, to);
            INDArray z = graph.run(Map.of(input, x), java.util.List.of(logits)).get(logits);
            result.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).assign(z);
            release(z, x, inputs);
        }
        return result;
    }

    @Override
    public INDArray lossGradient(INDArray inputs, int[] labels) {
        InputChecks.requireBatchOf(this, inputs);
        InputChecks.requireLabels(this, labels, inputs.size(0));
        return inBatches(inputs, (z, from, to) -> {
            INDArray oneHot = Dataset.oneHot(Arrays.copyOfRange(labels, (int) from, (int) to), numClasses);
            INDArray y = oneHot.castTo(graph.dataType());
            // d/dz sum_i CE(softmax(z_i), y_i) = softmax(z) - y
            INDArray seed = Transforms.softmax(z, true).subi(y);
            oneHot.close();
            if (y != oneHot) y.close();
            return seed;
        });
    }

    @Override public boolean seedsLogitGradient() { return true; }

    /** One backward pass per batch, seeded with the weights at the logits. */
    @Override
    public INDArray logitGradient(INDArray inputs, INDArray weights) {
        InputChecks.requireBatchOf(this, inputs);
        InputChecks.requireLogitWeights(this, inputs, weights);
        return inBatches(inputs, (z, from, to) ->
                weights.get(NDArrayIndex.interval(from, to), NDArrayIndex.all()).castTo(graph.dataType()).dup('c'));
    }

    /** The gradient at the logits of rows [from, to) given their logits z: a fresh array the backward pass frees. */
    private interface LogitSeed {
        INDArray at(INDArray z, long from, long to);
    }

    /** Input gradients batch by batch, each backward pass seeded at the logits; counts N gradient evaluations. */
    private INDArray inBatches(INDArray inputs, LogitSeed seed) {
        counter.addGradient(inputs.size(0));
        long n = inputs.size(0);
        INDArray result = Nd4j.create(inputs.dataType(), inputs.shape());
        for (long from = 0; from < n; from += batchSize) {
            long to = Math.min(n, from + batchSize);
            long f = from;
            INDArray x = batch(inputs, from, to);
            INDArray g = graph.inputGradient(Map.of(input, x), input, logits, z -> seed.at(z, f, to));
            result.get(NDArrayIndex.interval(from, to)).assign(g);
            release(g, x, inputs);
        }
        return result;
    }

    /** Rows [from, to) of {@code inputs} in the graph's data type, as a fresh contiguous array. */
    private INDArray batch(INDArray inputs, long from, long to) {
        INDArray rows = from == 0 && to == inputs.size(0) ? inputs : inputs.get(NDArrayIndex.interval(from, to));
        if (rows.dataType() != graph.dataType()) return rows.castTo(graph.dataType());   // a fresh array
        return rows == inputs ? inputs : rows.dup('c');
    }

    private static void release(INDArray a, INDArray x, INDArray inputs) {
        if (a.closeable() && !a.wasClosed()) a.close();
        if (x != inputs && x.closeable() && !x.wasClosed()) x.close();
    }
}
