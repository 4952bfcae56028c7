package dev.robustgate.attack;

import dev.robustgate.TestSeam;
import dev.robustgate.model.DifferentiableClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A test seam: replaces every attack's algorithm by a deliberately broken one, so that a test can
 * show that the robustness specs notice a broken attack (a floor such as "robust accuracy >= X"
 * passes more easily when the attack is weaker). Off unless the system property
 * {@value #PROPERTY} is set:
 * <ul>
 *   <li>{@code noop}: every adversarial is the clean input;</li>
 *   <li>{@code noise}: the clean input plus random noise of the full budget (Linf: a random sign
 *       times eps per pixel; L2: a random Gaussian direction of length eps; L0: a fraction eps of
 *       the pixels set to 0 or 1), clipped to the box; drawn from (seed {@value #NOISE_SEED}, sample id).</li>
 * </ul>
 * The runner still does everything else (clean predictions, targets, distances, events), so only
 * the algorithm is broken. Not for users: a gate run with a substitute measures nothing.
 */
final class AttackSubstitution {
    static final String PROPERTY = TestSeam.PROPERTY;
    static final long NOISE_SEED = 0x5EEDL;

    private AttackSubstitution() {}

    /** The kernel to run: {@code kernel} itself unless {@value #PROPERTY} names a substitute. */
    static AttackKernel apply(AttackKernel kernel, Norm norm) {
        return switch (TestSeam.substitute()) {
            case NONE -> kernel;
            case NOOP -> AttackSubstitution::noop;
            case NOISE -> (model, batch, eps) -> noise(model, batch, eps, norm);
        };
    }

    private static List<BatchOutcome> noop(DifferentiableClassifier model, AttackBatch batch, double[] eps) {
        List<BatchOutcome> out = new ArrayList<>(eps.length);
        for (int k = 0; k < eps.length; k++) out.add(outcome(model, batch, batch.inputs().dup()));
        return out;
    }

    private static List<BatchOutcome> noise(DifferentiableClassifier model, AttackBatch batch, double[] eps, Norm norm) {
        List<BatchOutcome> out = new ArrayList<>(eps.length);
        float[][] clean = batch.inputs().toFloatMatrix();
        for (int k = 0; k < eps.length; k++) {
            float[][] adv = new float[clean.length][];
            for (int i = 0; i < clean.length; i++) {
                SplittableRandom rnd = new SplittableRandom(Seeds.mix(NOISE_SEED, batch.sampleIds()[i], Double.doubleToLongBits(eps[k])));
                adv[i] = perturb(clean[i], eps[k], norm, rnd);
            }
            out.add(outcome(model, batch, Nd4j.createFromArray(adv)));
        }
        return out;
    }

    static float[] perturb(float[] x, double eps, Norm norm, SplittableRandom rnd) {
        float[] y = x.clone();
        int d = y.length;
        switch (norm) {
            case LINF -> {
                for (int j = 0; j < d; j++) y[j] += (float) (rnd.nextBoolean() ? eps : -eps);
            }
            case L2 -> {
                double[] g = new double[d];
                double sq = 0;
                for (int j = 0; j < d; j++) {
                    g[j] = Perturbations.gaussian(rnd);
                    sq += g[j] * g[j];
                }
                double scale = Math.min(eps, 1e6) / Math.sqrt(sq);
                for (int j = 0; j < d; j++) y[j] += (float) (g[j] * scale);
            }
            case L0 -> {
                int changed = (int) Math.min(d, Math.round(eps * d));
                for (int c = 0; c < changed; c++) y[rnd.nextInt(d)] = rnd.nextBoolean() ? 1f : 0f;
            }
        }
        for (int j = 0; j < d; j++) y[j] = Math.min((float) Box.MAX, Math.max((float) Box.MIN, y[j]));
        return y;
    }

    private static BatchOutcome outcome(DifferentiableClassifier model, AttackBatch batch, INDArray flatAdversarial) {
        int m = batch.size();
        int[] pred = model.predict(flatAdversarial.reshape(batch.batchShape(m)));
        boolean[] success = new boolean[m];
        for (int i = 0; i < m; i++) success[i] = batch.reached(i, pred[i]);
        return new BatchOutcome(flatAdversarial, pred, success, new int[m], m, 0.0);
    }
}
