package dev.robustgate.inversion;

import dev.robustgate.TestSeam;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;
import java.util.function.Supplier;

/**
 * A test seam, the model-inversion counterpart of the attack runner's ({@code AttackSubstitution}):
 * replaces an inverter's reconstructions by deliberately broken ones, so that a test can show that the
 * inversion specs notice a broken inverter. Off unless the system property {@value #PROPERTY} (the same
 * property the attack runner reads) is set:
 * <ul>
 *   <li>{@code noop}: the inverter returns its starting images unchanged: MI-Face its (noisy) blank
 *       starts; the conditional GAN, whose start is a generator that has learnt nothing, a blank
 *       mid-grey image ({@value #BLANK}, a sigmoid output at a zero pre-activation) for every class;</li>
 *   <li>{@code noise}: every reconstruction is a random image, each pixel uniform in [0, 1], drawn from
 *       (seed {@value #NOISE_SEED}, image index).</li>
 * </ul>
 * Applied at each inverter's exit, after the real run, so that its counted queries and gradients stay
 * those of the real inversion and a spec fails on the reconstructions, not on its bookkeeping. Not for
 * users: an inversion run with a substitute measures nothing.
 */
final class InversionSubstitution {
    static final String PROPERTY = TestSeam.PROPERTY;
    static final long NOISE_SEED = 0x5EEDL;
    static final float BLANK = 0.5f;

    private InversionSubstitution() {}

    /** Whether a substitute is set (an inverter then keeps a copy of its starting images). */
    static boolean active() {
        return TestSeam.substitute() != TestSeam.Substitute.NONE;
    }

    /**
     * The reconstructions to hand out: {@code images} itself unless {@value #PROPERTY} names a substitute;
     * {@code starts} (same shape) is asked for only under {@code noop}.
     */
    static INDArray apply(INDArray images, Supplier<INDArray> starts) {
        return switch (TestSeam.substitute()) {
            case NONE -> images;
            case NOOP -> starts.get().castTo(images.dataType()).reshape(images.shape());
            case NOISE -> noise(images.shape(), images.dataType());
        };
    }

    /** Blank mid-grey images of {@code shape}. */
    static INDArray blank(long[] shape) {
        return Nd4j.valueArrayOf(shape, BLANK, DataType.FLOAT);
    }

    private static INDArray noise(long[] shape, DataType type) {
        int n = (int) shape[0];
        int d = (int) (java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b) / n);
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            SplittableRandom rnd = new SplittableRandom(NOISE_SEED * 0x9E3779B97F4A7C15L + i);
            for (int j = 0; j < d; j++) x[i * d + j] = (float) rnd.nextDouble();
        }
        return Nd4j.create(x, shape, 'c').castTo(type);
    }
}
