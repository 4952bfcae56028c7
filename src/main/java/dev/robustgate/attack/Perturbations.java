package dev.robustgate.attack;

import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.SplittableRandom;

/** The geometry of a norm ball, on flat [m, D] rows, in place where it can be: the kernels' toolbox. */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
public final class Perturbations {
    private static final double TINY = 1e-12;

    private Perturbations() {}

    private static void requireBall(Norm norm) {
        if (norm == Norm.L0) throw new IllegalArgumentException("L0 has no ball geometry here (it is JSMA's distance); use Linf or L2");
    }

    /** The steepest-ascent direction of unit size: sign(g) for Linf, g/||g||_2 for L2 (0 stays 0). */
    public static INDArray steepestDirection(INDArray g, Norm norm) {
        requireBall(norm);
        if (norm == Norm.LINF) {
            return Transforms.sign(g, false);
        }
        INDArray norms = g.norm2(1).addi(TINY).reshape(g.size(0), 1);
        return g.diviColumnVector(norms);
    }

    /** Projects {@code delta} onto the eps-ball of {@code norm}, in place. */
    public static INDArray projectInPlace(INDArray delta, Norm norm, double eps) {
        requireBall(norm);
        if (norm == Norm.LINF) {
            Transforms.min(delta, eps, false);
            Transforms.max(delta, -eps, false);
            return delta;
        }
        // factor = min(1, eps / ||delta||); a zero row gets eps/TINY, clipped to 1.
        INDArray factors = Transforms.min(delta.norm2(1).addi(TINY).rdivi(eps), 1.0, false);
        return delta.muliColumnVector(factors.reshape(delta.size(0), 1).castTo(delta.dataType()));
    }

    /** x0 + delta, projected to the ball and then clipped to the box: the iterate the model sees. */
    public static INDArray projectAndClip(INDArray x0, INDArray candidate, Norm norm, double eps) {
        INDArray delta = candidate.subi(x0);
        projectInPlace(delta, norm, eps);
        return Box.clipInPlace(delta.addi(x0));
    }

    /**
     * A uniformly random point of the eps-ball for each row, drawn from a per-sample stream keyed
     * by (seed, position in the evaluated dataset, restart, eps), so results do not depend on batching.
     */
    public static INDArray randomStart(int[] sampleIds, long dims, Norm norm, double eps, long seed, int restart) {
        requireBall(norm);
        int d = Math.toIntExact(dims);
        float[] buf = new float[sampleIds.length * d];
        for (int r = 0; r < sampleIds.length; r++) {
            SplittableRandom rnd = new SplittableRandom(
                    Seeds.mix(seed, sampleIds[r], Double.doubleToLongBits(eps) * 31 + restart));
            int off = r * d;
            if (norm == Norm.LINF) {
                for (int j = 0; j < d; j++) buf[off + j] = (float) ((rnd.nextDouble() * 2 - 1) * eps);
            } else {
                // Gaussian direction, radius eps * U^(1/d): uniform in the L2 ball.
                double sq = 0;
                double[] g = new double[d];
                for (int j = 0; j < d; j++) {
                    g[j] = gaussian(rnd);
                    sq += g[j] * g[j];
                }
                double radius = eps * Math.pow(rnd.nextDouble(), 1.0 / d) / Math.sqrt(sq + TINY);
                for (int j = 0; j < d; j++) buf[off + j] = (float) (g[j] * radius);
            }
        }
        return org.nd4j.linalg.factory.Nd4j.create(buf, new long[]{sampleIds.length, d});
    }

    /**
     * A point of the sphere of {@code radius} around 0, for random starts on the ball's surface: Linf
     * radius * t / max|t| with t uniform in [-1, 1]^d, L2 radius * g / ||g|| with g Gaussian (1e-12
     * keeps an all-zero draw finite).
     */
    static double[] onSphere(SplittableRandom rnd, int d, Norm norm, double radius) {
        requireBall(norm);
        double[] t = new double[d];
        double scale = 0;
        for (int i = 0; i < d; i++) {
            t[i] = norm == Norm.LINF ? rnd.nextDouble() * 2 - 1 : gaussian(rnd);
            scale = norm == Norm.LINF ? Math.max(scale, Math.abs(t[i])) : scale + t[i] * t[i];
        }
        scale = norm == Norm.LINF ? scale : Math.sqrt(scale);
        for (int i = 0; i < d; i++) t[i] = radius * t[i] / (scale + 1e-12);
        return t;
    }

    /** A standard normal draw (Box-Muller; SplittableRandom has no nextGaussian in Java 17). Takes two doubles of {@code rnd}. */
    static double gaussian(SplittableRandom rnd) {
        double u = 1.0 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
