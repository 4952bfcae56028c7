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

    /** The reconstructions [N, C, H, W] (image i of class i % K) and what they cost. */
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

    /** One reconstruction per class of {@code model} (image-shaped inputs [C, H, W] only), from the blank start. */
    public Result run(DifferentiableClassifier model) {
        long[] s = requireImages(model);
        int k = model.numClasses();
        INDArray x = Nd4j.valueArrayOf(new long[]{k, s[0], s[1], s[2]}, (float) start).castTo(DataType.FLOAT);
        return descend(model, x, targets(k, 1));
    }

    /**
     * {@code perClass} reconstructions of every class, all in one batch: image i targets class
     * {@code i % K} (so the first K images are one per class) and starts from the blank start plus
     * uniform noise in [0, {@value #START_NOISE}) drawn from (seed, i), clipped to [0,1]. Different
     * starts end in different optima, which is what makes the reconstructions of a class
     * separate trials for a gate.
     */
    public Result run(DifferentiableClassifier model, int perClass, long seed) {
        if (perClass < 1) throw new IllegalArgumentException("reconstructions per class must be >= 1, got " + perClass);
        long[] s = requireImages(model);
        int k = model.numClasses();
        int n = k * perClass;
        int d = (int) (s[0] * s[1] * s[2]);
        float[] x0 = new float[n * d];
        for (int i = 0; i < n; i++) {
            java.util.SplittableRandom r = new java.util.SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
            for (int j = 0; j < d; j++) x0[i * d + j] = (float) Math.min(1.0, start + START_NOISE * r.nextDouble());
        }
        return descend(model, Nd4j.create(x0, new long[]{n, s[0], s[1], s[2]}, 'c'), targets(k, perClass));
    }

    /** Why 0.3: a quarter-to-a-third of the pixel range moves the start off the blank image's optimum without starting from a digit-like blob. */
    static final double START_NOISE = 0.3;

    private static long[] requireImages(DifferentiableClassifier model) {
        long[] s = model.sampleShape();
        if (s.length != 3) throw new IllegalArgumentException("MI-Face needs image inputs [C, H, W], got rank " + s.length);
        return s;
    }

    /** The target class of image i: i % K. */
    public static int[] targets(int k, int perClass) {
        int[] t = new int[k * perClass];
        for (int i = 0; i < t.length; i++) t[i] = i % k;
        return t;
    }

    private Result descend(DifferentiableClassifier model, INDArray x, int[] targets) {
        int k = targets.length;
        long before = model.counter().snapshot().gradient();
        INDArray start = InversionSubstitution.active() ? x.dup() : null;   // a test seam: null unless its property is set
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
        return new Result(InversionSubstitution.apply(x, () -> start), model.counter().snapshot().gradient() - before);
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
