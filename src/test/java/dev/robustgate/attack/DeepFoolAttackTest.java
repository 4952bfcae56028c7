package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.metric.MinimalPerturbation;
import dev.robustgate.metric.Proportion;
import dev.robustgate.model.Dl4jClassifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeepFoolAttackTest {
    private static final int N = 24;
    private static Dl4jClassifier model;
    private static Dataset data;
    private static INDArray before;
    private static AttackResult sweep;
    private static AttackResult unbounded;

    @BeforeAll
    static void run() {
        model = TestModels.smallMlp();
        data = TestModels.fashionTest(N, 41);
        before = data.features().dup();
        sweep = DeepFoolAttack.l2().eps(0.25, 0.5, 1.0).batchSize(10).run(model, data);
        unbounded = DeepFoolAttack.l2().eps(Double.MAX_VALUE).run(model, data);
    }

    @Test
    void staysInTheBallAndTheBoxAndLeavesTheInputAlone() {
        InvariantChecks.inBallBoxAndHonest(sweep, data, model);
        InvariantChecks.inBallBoxAndHonest(unbounded, data, model);
        assertThat(data.features()).isEqualTo(before);
    }

    @Test
    void epsZeroIsFreeAndRunsAreDeterministic() {
        InvariantChecks.epsZeroIsIdentityForFree(DeepFoolAttack.l2().eps(0.0), model, data);
        InvariantChecks.sameResults(sweep, DeepFoolAttack.l2().eps(0.25, 0.5, 1.0).batchSize(10).run(model, data));
    }

    @Test
    void unboundedItFoolsEveryCleanCorrectSample() {
        EpsResult r = unbounded.single();
        assertThat(r.successOnCleanCorrect()).isEqualTo(r.cleanCorrectCount());
        assertThat(r.robustCount()).isZero();
        // Minimal, not merely successful: far inside the box's diameter (28 in L2).
        assertThat(MinimalPerturbation.of(unbounded).medianDistance()).isBetween(0.01, 3.0);
    }

    @Test
    void aSweepIsTheMinimalDistanceCurveOfOneUnboundedRun() {
        MinimalPerturbation mp = MinimalPerturbation.of(unbounded);
        for (double eps : sweep.epsilons()) {
            Proportion fromCurve = mp.robustAccuracyAt(eps);
            assertThat(fromCurve.successes()).as("eps %s", eps).isEqualTo(sweep.at(eps).robustCount());
        }
        assertThat(mp.notFound()).isZero();
        assertThat(mp.empiricalRobustness()).isGreaterThan(0).isLessThan(1);
        // Monotone: accuracy never rises with eps.
        var curve = mp.curve(0, 0.1, 0.2, 0.5, 1, 2, 5);
        for (int i = 1; i < curve.size(); i++) {
            assertThat(curve.get(i).successes()).isLessThanOrEqualTo(curve.get(i - 1).successes());
        }
    }

    @Test
    void itsMinimalDistancesAreBelowTheEpsPgdNeeds() {
        // The smallest eps of a grid at which PGD-L2 (40 steps) fools each sample, against DeepFool's distance.
        double[] grid = {0.1, 0.2, 0.3, 0.5, 0.7, 1.0, 1.5, 2.0, 3.0};
        AttackResult pgd = PgdAttack.l2().eps(grid).steps(40).run(model, data);
        MinimalPerturbation mp = MinimalPerturbation.of(unbounded);
        double[] deepFool = mp.distances();
        int compared = 0;
        int below = 0;
        for (int i = 0; i < N; i++) {
            if (unbounded.cleanPredictions()[i] != data.label(i)) continue;
            double needed = Double.POSITIVE_INFINITY;
            for (double e : grid) if (pgd.at(e).success(i)) { needed = e; break; }
            if (!Double.isFinite(needed)) continue;
            compared++;
            if (deepFool[i] <= needed) below++;
        }
        assertThat(compared).isGreaterThan(N / 2);
        // Measured: 20 of 20 (the grid rounds PGD's need up; DeepFool's search is not bounded by a grid).
        assertThat(below).as("samples whose DeepFool distance is at most PGD's needed eps").isGreaterThanOrEqualTo(compared - 1);
    }

    @Test
    void costIsCountedPerSample() {
        EpsResult r = unbounded.single();
        long expected = 0;
        for (int i = 0; i < N; i++) expected += r.sample(i).gradientEvaluations();
        assertThat(unbounded.cost().gradient()).isEqualTo(expected);
        for (int i = 0; i < N; i++) {
            // Each step costs the 10 candidate gradients; a successful sample needs at least one step.
            SampleResult s = r.sample(i);
            if (s.cleanPrediction() == s.label()) assertThat(s.gradientEvaluations()).isPositive().isEqualTo(s.gradientEvaluations() / 10 * 10);
        }
    }

    @Test
    void badParametersAreRejectedWithTheValue() {
        assertThatThrownBy(() -> DeepFoolAttack.l2().steps(0)).hasMessageContaining("steps must be >= 1, got 0");
        assertThatThrownBy(() -> DeepFoolAttack.l2().overshoot(-0.1)).hasMessageContaining("-0.1");
        assertThatThrownBy(() -> DeepFoolAttack.l2().candidates(1)).hasMessageContaining("got 1");
        assertThatThrownBy(() -> DeepFoolAttack.l2().eps(-1)).hasMessageContaining("eps must be");
        assertThatThrownBy(() -> MinimalPerturbation.of(sweep).robustAccuracyAt(2.0)).hasMessageContaining("[0, 1.0]");
    }
}
