package dev.robustgate.inversion;

import dev.robustgate.model.DifferentiableClassifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * MI-Face (Fredrikson, Jha, Ristenpart, CCS 2015): reconstruct what a white-box classifier thinks
 * a class looks like by gradient descent on the input, minimising
 * {@code -log p_c(x) + smoothness * sum of squared differences between neighbouring pixels},
 * starting from a blank image and clipping to [0,1] after every step. The smoothness prior keeps
 * the reconstruction from dissolving into the high-frequency patterns that maximise confidence
 * without looking like anything. All classes are reconstructed in one batch.
 */
public final class MiFace {
    private final int steps;
    private final double stepSize;
    private final double smoothness;
    private final double start;

    /** The reconstructions [K, C, H, W] and what they cost. */
    public record Result(INDArray images, long gradientEvaluations) {}

    /**
     * @param steps      gradient steps (>= 1)
     * @param stepSize   per step, on the input (> 0)
     * @param smoothness weight of the squared-difference prior (>= 0)
     * @param start      grey level of the blank starting image, in [0,1]
     */
    public MiFace(int steps, double stepSize, double smoothness, double start) {
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        if (!(stepSize > 0) || !Double.isFinite(stepSize)) throw new IllegalArgumentException("step size must be > 0, got " + stepSize);
        if (!(smoothness >= 0) || !Double.isFinite(smoothness)) throw new IllegalArgumentException("smoothness must be >= 0, got " + smoothness);
        if (!(start >= 0 && start <= 1)) throw new IllegalArgumentException("start grey level must be in [0, 1], got " + start);
        this.steps = steps;
        this.stepSize = stepSize;
        this.smoothness = smoothness;
        this.start = start;
    }

    /** One reconstruction per class of {@code model} (image-shaped inputs [C, H, W] only). */
    public Result run(DifferentiableClassifier model) {
        long[] s = model.sampleShape();
        if (s.length != 3) throw new IllegalArgumentException("MI-Face needs image inputs [C, H, W], got rank " + s.length);
        int k = model.numClasses();
        int[] targets = new int[k];
        for (int c = 0; c < k; c++) targets[c] = c;
        INDArray x = Nd4j.valueArrayOf(new long[]{k, s[0], s[1], s[2]}, (float) start).castTo(DataType.FLOAT);
        long before = model.counter().snapshot().gradient();
        for (int t = 0; t < steps; t++) {
            INDArray g = model.lossGradient(x, targets);
            if (smoothness > 0) g.addi(smoothnessGradient(x).muli(smoothness));
            // Normalised step per image, so that classes whose gradients are tiny still move.
            for (int c = 0; c < k; c++) {
                INDArray gc = g.get(NDArrayIndex.point(c));
                double norm = gc.norm2Number().doubleValue();
                if (norm > 0) gc.divi(norm / Math.sqrt(gc.length()));
            }
            x.subi(g.muli(stepSize));
            Transforms.min(Transforms.max(x, 0.0, false), 1.0, false);
        }
        return new Result(x, model.counter().snapshot().gradient() - before);
    }

    /** d/dx of sum over neighbouring pixel pairs of (x_a - x_b)^2, per image. */
    static INDArray smoothnessGradient(INDArray x) {
        long h = x.size(2), w = x.size(3);
        INDArray g = Nd4j.zeros(x.dataType(), x.shape());
        INDArray dv = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, h), NDArrayIndex.all())
                .sub(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, h - 1), NDArrayIndex.all()));
        INDArray dh = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, w))
                .sub(x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, w - 1)));
        g.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, h), NDArrayIndex.all()).addi(dv.mul(2));
        g.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, h - 1), NDArrayIndex.all()).subi(dv.mul(2));
        g.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, w)).addi(dh.mul(2));
        g.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, w - 1)).subi(dh.mul(2));
        return g;
    }
}
