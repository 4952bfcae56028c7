package dev.robustgate.junit;

import dev.robustgate.attack.Attack;
import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.Box;
import dev.robustgate.attack.EpsResult;
import dev.robustgate.attack.Norm;
import dev.robustgate.data.Dataset;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.Predictions;
import org.apiguardian.api.API;
import org.assertj.core.api.AbstractAssert;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.HashMap;
import java.util.Map;

/**
 * The invariants every attack keeps, as assertions on its results: inside the eps-ball of its norm
 * and inside the box, the input returned unchanged and for free at eps = 0, the same result from the
 * same seed, and the same per-sample result whatever else is in the batch. Only asserts: the caller
 * runs the attack ({@link #invariantsOf} runs the usual set in one line).
 *
 * <pre>{@code
 * AttackResultAssert.invariantsOf(MyAttack.linf().eps(0, 0.1), model, data);
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
public final class AttackResultAssert extends AbstractAssert<AttackResultAssert, AttackResult> {
    /** Float32 rounding of x0 + delta and of the norm itself. */
    private static final double TOLERANCE = 1e-5;

    private AttackResultAssert(AttackResult actual) {
        super(actual, AttackResultAssert.class);
        isNotNull();
    }

    public static AttackResultAssert assertThatAttackResult(AttackResult result) {
        return new AttackResultAssert(result);
    }

    /**
     * Runs {@code attack} (whose radii must include 0) four times on {@code data}: once, once again
     * (determinism), and on the samples with even and with odd ids (batch-size and shard
     * independence), and asserts every invariant, the input left untouched included.
     */
    public static AttackResultAssert invariantsOf(Attack attack, DifferentiableClassifier model, Dataset data) {
        if (!attack.epsilons().contains(0.0)) {
            throw new IllegalArgumentException(attack.describe() + " has no eps 0: include it so eps = 0 is checked");
        }
        INDArray before = data.features().dup();
        AttackResult first = attack.run(model, data);
        AttackResultAssert a = assertThatAttackResult(first);
        a.isInsideTheBall().isInsideTheBox().returnsTheInputAtEpsZero().reportsTheModelsPredictions(model);
        if (!data.features().equals(before)) {
            throw a.failure("%s wrote into its input", attack.describe());
        }
        a.isSameAs(attack.run(model, data));
        int[] even = java.util.stream.IntStream.range(0, data.size()).filter(i -> data.sampleIds()[i] % 2 == 0).toArray();
        int[] odd = java.util.stream.IntStream.range(0, data.size()).filter(i -> data.sampleIds()[i] % 2 != 0).toArray();
        for (int[] part : new int[][]{even, odd}) {
            if (part.length > 0) a.agreesPerSampleWith(attack.run(model, data.subsetKeepingIds(part, "invariant check")));
        }
        return a;
    }

    private INDArray flatClean() {
        int n = actual.data().size();
        return actual.data().features().reshape(n, actual.data().sampleLength()).castTo(DataType.DOUBLE);
    }

    private INDArray flat(EpsResult r) {
        int n = actual.data().size();
        return r.adversarial().reshape(n, actual.data().sampleLength()).castTo(DataType.DOUBLE);
    }

    /** Every adversarial is within eps of its input in the attack's norm, and the reported distances are the real ones. */
    public AttackResultAssert isInsideTheBall() {
        INDArray clean = flatClean();
        for (EpsResult r : actual.perEps()) {
            double[] dist = actual.norm().rowNorms(flat(r).sub(clean));
            for (int i = 0; i < dist.length; i++) {
                // JSMA's L0 radii are fractions of features; its distances are counts.
                double bound = actual.norm() == Norm.L0 ? r.eps() * actual.data().sampleLength() : r.eps();
                if (dist[i] > bound + TOLERANCE * Math.max(1, bound)) {
                    throw failure("%s: sample %d is at %s distance %s, outside eps %s", r.description(), i,
                            actual.norm().label(), dist[i], r.eps());
                }
                if (Math.abs(r.distance(i) - dist[i]) > 1e-4 * Math.max(1, dist[i])) {
                    throw failure("%s: sample %d reports distance %s but is at %s", r.description(), i, r.distance(i), dist[i]);
                }
            }
        }
        return this;
    }

    public AttackResultAssert isInsideTheBox() {
        for (EpsResult r : actual.perEps()) {
            double lo = r.adversarial().minNumber().doubleValue();
            double hi = r.adversarial().maxNumber().doubleValue();
            if (lo < Box.MIN || hi > Box.MAX) {
                throw failure("%s: values in [%s, %s], outside the box [%s, %s]", r.description(), lo, hi, Box.MIN, Box.MAX);
            }
        }
        return this;
    }

    /** At eps = 0 (where evaluated) every sample is its input, predicted as clean, at no gradient cost. */
    public AttackResultAssert returnsTheInputAtEpsZero() {
        for (EpsResult r : actual.perEps()) {
            if (r.eps() != 0) continue;
            if (!r.adversarial().equals(actual.data().features())) throw failure("%s: eps 0 changed the input", r.description());
            if (r.gradientEvaluations() != 0) throw failure("%s: eps 0 cost %d gradient evaluations", r.description(), r.gradientEvaluations());
            if (!java.util.Arrays.equals(r.predictions(), actual.cleanPredictions())) {
                throw failure("%s: eps 0 predictions differ from the clean ones", r.description());
            }
        }
        return this;
    }

    /** Each reported prediction is the model's on the reported adversarial, and success means the goal was reached. */
    public AttackResultAssert reportsTheModelsPredictions(DifferentiableClassifier model) {
        for (EpsResult r : actual.perEps()) {
            int[] real = Predictions.argMax(model.probabilities(r.adversarial()));
            int[] reported = r.predictions();
            for (int i = 0; i < real.length; i++) {
                if (real[i] != reported[i]) {
                    throw failure("%s: sample %d reported as class %d, the model says %d", r.description(), i, reported[i], real[i]);
                }
                var s = r.sample(i);
                if (s.cleanPrediction() == s.label()) {
                    boolean goal = s.target() == null ? real[i] != s.label() : real[i] == s.target();
                    if (s.success() != goal) throw failure("%s: sample %d success %s but goal reached %s", r.description(), i, s.success(), goal);
                }
            }
        }
        return this;
    }

    /** Determinism: the same adversarials and predictions as {@code other} at every eps. */
    public AttackResultAssert isSameAs(AttackResult other) {
        if (!other.epsilons().equals(actual.epsilons())) throw failure("evaluated %s, the other run %s", actual.epsilons(), other.epsilons());
        for (EpsResult r : actual.perEps()) {
            EpsResult o = other.at(r.eps());
            if (!r.adversarial().equals(o.adversarial()) || !java.util.Arrays.equals(r.predictions(), o.predictions())) {
                throw failure("%s: a second run gave other adversarials or predictions", r.description());
            }
        }
        return this;
    }

    /**
     * Batch and shard independence: {@code part}, a run on a subset of the same samples (ids kept),
     * has for each of its samples this run's prediction and success. Adversarials themselves may
     * differ: the model's float32 products round differently at another batch size (measured on the
     * small MLP: logits up to 1.1e-6 and gradients up to 1.0e-7 apart between 16 and 8 rows), which
     * flips the sign of near-zero gradient components and moves a pixel by a step (APGD-CE moved one
     * adversarial by 0.045 with the same prediction).
     */
    public AttackResultAssert agreesPerSampleWith(AttackResult part) {
        Map<Integer, Integer> position = new HashMap<>();
        int[] ids = actual.data().sampleIds();
        for (int i = 0; i < ids.length; i++) position.put(ids[i], i);
        int[] partIds = part.data().sampleIds();
        long d = actual.data().sampleLength();
        for (EpsResult r : actual.perEps()) {
            EpsResult p = part.at(r.eps());
            INDArray whole = r.adversarial().reshape(ids.length, d);
            INDArray sub = p.adversarial().reshape(partIds.length, d);
            int[] wholePred = r.predictions();
            int[] subPred = p.predictions();
            for (int j = 0; j < partIds.length; j++) {
                Integer i = position.get(partIds[j]);
                if (i == null) throw failure("sample id %d of the part is not in the whole run", partIds[j]);
                double moved = whole.getRow(i, true).castTo(DataType.DOUBLE).sub(sub.getRow(j, true).castTo(DataType.DOUBLE))
                        .amaxNumber().doubleValue();
                if (wholePred[i] != subPred[j] || r.success(i) != p.success(j)) {
                    throw failure("%s: sample id %d differs when run with other samples (prediction %d vs %d, adversarial moved %s)",
                            r.description(), partIds[j], wholePred[i], subPred[j], moved);
                }
            }
        }
        return this;
    }
}
