package dev.robustgate.attack;

import dev.robustgate.model.Predictions;
import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Locale;
import java.util.Optional;

/**
 * Stand-ins for every attack, for testing the gates themselves: does a spec fail when the attack is
 * replaced by one that does nothing, or by random noise in the ball? Read in one place
 * ({@link AttackRunner}), so every attack that runs there (all of RobustGate's, the members of
 * {@link WorstCaseOf} included) is replaced, whoever built it.
 *
 * <ul>
 *   <li>{@code -Drobustgate.test.attack-substitute=noop}: every sample comes back unchanged (no
 *       gradient, no forward evaluation beyond the clean pass).</li>
 *   <li>{@code -Drobustgate.test.attack-substitute=noise}: a uniform random point of the eps-ball
 *       (Linf or L2; L0 attacks get noop), clipped to the box, keyed by (seed 0x5EED, sample id, eps);
 *       one forward evaluation per sample for its prediction.</li>
 * </ul>
 * Unset or empty: the real attacks run. Any other value is an error naming the allowed ones.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
public enum AttackSubstitute {
    NOOP, NOISE;

    public static final String PROPERTY = "robustgate.test.attack-substitute";
    private static final long NOISE_SEED = 0x5EEDL;

    /** The substitute the system property asks for, if any. */
    public static Optional<AttackSubstitute> fromSystemProperty() {
        return parse(System.getProperty(PROPERTY, ""));
    }

    static Optional<AttackSubstitute> parse(String v) {
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "" -> Optional.empty();
            case "noop" -> Optional.of(NOOP);
            case "noise" -> Optional.of(NOISE);
            default -> throw new IllegalArgumentException(PROPERTY + " must be noop or noise, got '" + v + "'");
        };
    }

    /** The stand-in kernel for an attack measuring {@code norm}. */
    public AttackKernel kernel(Norm norm) {
        if (this == NOOP || norm == Norm.L0) {
            return (model, batch, eps) -> {
                java.util.List<BatchOutcome> out = new java.util.ArrayList<>();
                for (double e : eps) {
                    int m = batch.size();
                    out.add(new BatchOutcome(batch.inputs().dup(), batch.labels().clone(), new boolean[m], new int[m], 0, 0));
                }
                return out;
            };
        }
        return AttackKernel.eachEps((model, batch, eps) -> {
            long t0 = System.nanoTime();
            int m = batch.size();
            INDArray x0 = batch.inputs();
            INDArray adv = Perturbations.projectAndClip(x0,
                    Perturbations.randomStart(batch.sampleIds(), x0.size(1), norm, eps, NOISE_SEED, 0).addi(x0), norm, eps);
            int[] pred = Predictions.argMax(model.logits(adv.reshape(batch.batchShape(m))));
            boolean[] success = new boolean[m];
            for (int i = 0; i < m; i++) success[i] = batch.reached(i, pred[i]);
            return new BatchOutcome(adv, pred, success, new int[m], m, (System.nanoTime() - t0) / 1e9);
        });
    }
}
