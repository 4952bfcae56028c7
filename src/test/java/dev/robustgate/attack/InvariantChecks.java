package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.EvaluationCounter.Counts;
import dev.robustgate.model.Predictions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The invariants of the spine, as reusable checks for the attacks of the evasion suite. */
final class InvariantChecks {
    static final double TOL = 1e-5;

    private InvariantChecks() {}

    /** Every eps: inside the ball (own norm) and the box, distances as reported, success = goal reached. */
    static void inBallBoxAndHonest(AttackResult result, Dataset data, DifferentiableClassifier model) {
        int n = data.size();
        INDArray clean = data.features().reshape(n, data.sampleLength()).castTo(DataType.DOUBLE);
        for (EpsResult r : result.perEps()) {
            INDArray adv = r.adversarial();
            assertThat(adv.shape()).containsExactly(data.features().shape());
            assertThat(adv.minNumber().doubleValue()).as("%s: below the box", r.description()).isGreaterThanOrEqualTo(Box.MIN);
            assertThat(adv.maxNumber().doubleValue()).as("%s: above the box", r.description()).isLessThanOrEqualTo(Box.MAX);
            double[] dist = result.norm().rowNorms(adv.reshape(n, data.sampleLength()).castTo(DataType.DOUBLE).sub(clean));
            int[] actual = Predictions.argMax(model.logits(adv));
            int[] pred = r.predictions();
            for (int i = 0; i < n; i++) {
                assertThat(dist[i]).as("%s sample %d distance", r.description(), i).isLessThanOrEqualTo(r.eps() + TOL);
                assertThat(r.distance(i)).isCloseTo(dist[i], within(1e-4));
                assertThat(actual[i]).as("%s sample %d: reported prediction is the model's", r.description(), i).isEqualTo(pred[i]);
                SampleResult s = r.sample(i);
                if (s.cleanPrediction() == s.label()) {
                    boolean goal = s.target() == null ? pred[i] != s.label() : pred[i] == s.target();
                    assertThat(s.success()).as("%s sample %d success iff goal", r.description(), i).isEqualTo(goal);
                } else {
                    assertThat(dist[i]).as("clean-wrong sample %d is not attacked", i).isZero();
                    assertThat(s.gradientEvaluations()).isZero();
                }
            }
        }
    }

    /** eps = 0 returns the input for free. */
    static void epsZeroIsIdentityForFree(Attack atZero, DifferentiableClassifier model, Dataset data) {
        Counts before = model.counter().snapshot();
        AttackResult result = atZero.run(model, data);
        EpsResult r = result.single();
        assertThat(r.adversarial()).isEqualTo(data.features());
        assertThat(r.gradientEvaluations()).isZero();
        assertThat(model.counter().snapshot().minus(before).gradient()).isZero();
        assertThat(model.counter().snapshot().minus(before).forward()).as("only the clean pass").isEqualTo(data.size());
        assertThat(r.predictions()).containsExactly(result.cleanPredictions());
    }

    static void sameResults(AttackResult a, AttackResult b) {
        assertThat(b.epsilons()).isEqualTo(a.epsilons());
        for (double eps : a.epsilons()) {
            assertThat(b.at(eps).adversarial()).as("eps %s adversarials", eps).isEqualTo(a.at(eps).adversarial());
            assertThat(b.at(eps).predictions()).containsExactly(a.at(eps).predictions());
        }
    }
}
