package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.defense.RandomNoiseDefense;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.EvaluationCounter;
import dev.robustgate.model.ScoresOnly;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Finding 8 of review s2: a black box wrapped in a noise defence or in EOT stays a black box, so a
 * gradient attack on it is refused up front in one line (before any query) instead of failing at
 * its first gradient; a score-based attack still runs on the same wrapped model.
 */
class WrappedBlackBoxTest {
    /** Two classes from 1x4x4 images: class 1 when the mean pixel is above 0.5. Scores only. */
    static final class Box implements Classifier {
        final EvaluationCounter counter = new EvaluationCounter();
        @Override public String name() { return "tiny-box"; }
        @Override public long[] sampleShape() { return new long[] {1, 4, 4}; }
        @Override public int numClasses() { return 2; }
        @Override public EvaluationCounter counter() { return counter; }
        @Override public INDArray probabilities(INDArray x) {
            counter.addForward(x.size(0));
            INDArray m = x.reshape(x.size(0), 16).mean(true, 1).subi(0.5).muli(20);
            return Transforms.softmax(Nd4j.hstack(m.neg(), m), false);
        }
    }

    static Dataset data() {
        float[] px = new float[4 * 16];
        for (int i = 0; i < px.length; i++) px[i] = (i / 16) % 2 == 0 ? 0.45f : 0.55f;
        return new Dataset("tiny", Split.TEST, Nd4j.create(px, new long[] {4, 1, 4, 4}), new int[] {0, 1, 0, 1},
                List.of("dark", "light"), "tiny", "tiny, 4 images");
    }

    @Test
    void wrappersForwardWhetherTheModelHasInputGradients() {
        DifferentiableClassifier black = ScoresOnly.of(new Box());
        assertThat(RandomNoiseDefense.of(black, 0.1, 1).hasInputGradients()).isFalse();
        assertThat(ExpectationOverTransformation.of(RandomNoiseDefense.of(black, 0.1, 1), 4).hasInputGradients()).isFalse();
        // Positive control: a wrapped white box still says it has gradients.
        assertThat(RandomNoiseDefense.of(new White(), 0.1, 1).hasInputGradients()).isTrue();
        assertThat(ExpectationOverTransformation.of(new White(), 4).hasInputGradients()).isTrue();
    }

    @Test
    void aGradientAttackOnAWrappedBlackBoxIsRefusedInOneLineBeforeAnyQuery() {
        Box box = new Box();
        DifferentiableClassifier wrapped = ExpectationOverTransformation.of(RandomNoiseDefense.of(ScoresOnly.of(box), 0.01, 1), 2);
        for (Attack a : List.<Attack>of(PgdAttack.linf().eps(0.1), FgsmAttack.linf().eps(0.1),
                WorstCaseOf.of(SquareAttack.linf().eps(0.1), PgdAttack.linf().eps(0.1)))) {
            assertThatThrownBy(() -> a.run(wrapped, data()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(a.name() + " needs input gradients, but tiny-box")
                    .hasMessageContaining("black box")
                    .hasMessageNotContaining("\n");
        }
        assertThat(box.counter.snapshot().forward()).isZero();
    }

    @Test
    void aScoreBasedAttackStillRunsOnTheWrappedBlackBox() {
        Box box = new Box();
        AttackResult r = SquareAttack.linf().eps(0.1).queries(20).run(RandomNoiseDefense.of(ScoresOnly.of(box), 0.01, 1), data());
        assertThat(r.cost().gradient()).isZero();
        assertThat(box.counter.snapshot().forward()).isGreaterThan(4);
    }

    /** The box with (unused) gradients: a white box for the positive control. */
    static final class White implements DifferentiableClassifier {
        final Box box = new Box();
        @Override public String name() { return "tiny-white"; }
        @Override public long[] sampleShape() { return box.sampleShape(); }
        @Override public int numClasses() { return 2; }
        @Override public EvaluationCounter counter() { return box.counter; }
        @Override public INDArray probabilities(INDArray x) { return box.probabilities(x); }
        @Override public INDArray logits(INDArray x) { return Transforms.log(box.probabilities(x), false); }
        @Override public INDArray lossGradient(INDArray x, int[] labels) { return Nd4j.zerosLike(x); }
    }
}
