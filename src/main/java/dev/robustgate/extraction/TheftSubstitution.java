package dev.robustgate.extraction;

import dev.robustgate.TestSeam;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

/**
 * A test seam, the model-stealing counterpart of the attack runner's ({@code AttackSubstitution}):
 * replaces the thief's learning by a deliberately broken one, so that a test can show that the
 * stealing specs notice a broken thief (a ceiling such as "agreement <= 0.55" passes more easily when
 * the thief gets weaker). Off unless the system property {@value #PROPERTY} (the same property the
 * attack runner reads) is set:
 * <ul>
 *   <li>{@code noop}: the thief still sends every query, but ignores the answers: Knockoff Nets hands
 *       out its knockoff at its initial weights (never trained), equation solving hands out the
 *       all-zero softmax regression it starts from;</li>
 *   <li>{@code noise}: the thief learns from random labels instead of the victim's answers: a random
 *       one-hot label per query (Knockoff Nets), a random probability vector per query (equation
 *       solving), drawn from (seed {@value #NOISE_SEED}, the thief's seed, the query's index).</li>
 * </ul>
 * Query counts stay those of the real theft, so a spec fails on what the theft achieved, not on its
 * bookkeeping. Not for users: a theft run with a substitute measures nothing.
 */
final class TheftSubstitution {
    static final String PROPERTY = TestSeam.PROPERTY;
    static final long NOISE_SEED = 0x5EEDL;

    private TheftSubstitution() {}

    /** The substitute {@value #PROPERTY} names, {@link TestSeam.Substitute#NONE} when unset. */
    static TestSeam.Substitute mode() {
        return TestSeam.substitute();
    }

    /** {@code rows} random one-hot labels over {@code classes}; row r is query {@code firstQuery + r}'s. */
    static INDArray randomOneHot(int rows, int classes, long seed, long firstQuery) {
        float[][] y = new float[rows][classes];
        for (int r = 0; r < rows; r++) y[r][random(seed, firstQuery + r).nextInt(classes)] = 1f;
        return Nd4j.createFromArray(y);
    }

    /** {@code rows} random probability vectors (uniform in (0, 1], normalised); row r is query r's. */
    static double[][] randomProbabilities(int rows, int classes, long seed) {
        double[][] p = new double[rows][classes];
        for (int r = 0; r < rows; r++) {
            SplittableRandom rnd = random(seed, r);
            double sum = 0;
            for (int c = 0; c < classes; c++) sum += p[r][c] = 1.0 - rnd.nextDouble();
            for (int c = 0; c < classes; c++) p[r][c] /= sum;
        }
        return p;
    }

    private static SplittableRandom random(long seed, long query) {
        return new SplittableRandom((NOISE_SEED * 0x9E3779B97F4A7C15L ^ seed) * 31 + query);
    }
}
