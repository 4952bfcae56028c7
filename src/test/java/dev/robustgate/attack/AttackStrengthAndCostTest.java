package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.event.AttackFinished;
import dev.robustgate.event.AttackStarted;
import dev.robustgate.event.BatchDone;
import dev.robustgate.event.EventBus;
import dev.robustgate.event.EventListener;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.metric.RobustAccuracy;
import dev.robustgate.model.Dl4jClassifier;
import dev.robustgate.model.EvaluationCounter.Counts;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On the small trained MLP: PGD is at least as strong as FGSM, breaks nearly everything at a large
 * radius, and its cost is exactly what it reports. Costs are counted in samples, never in seconds.
 */
class AttackStrengthAndCostTest {
    private static final int N = 100;
    private static final int STEPS = 40;
    private static final int SWEEP_STEPS = 10;
    private static final double[] SWEEP = {0.02, 0.05, 0.1, 0.2};

    private static Dl4jClassifier model;
    private static Dataset data;
    /** PGD-Linf, 40 steps, at eps 0.1 and 0.3. */
    private static AttackResult pgd;
    private static Counts pgdCounterDelta;
    /** PGD-Linf, 10 steps, over the sweep, in batches of 64. */
    private static AttackResult sweep;
    private static final List<Object> EVENTS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void runPgd() {
        model = TestModels.smallMlp();
        data = TestModels.fashionTest(N, 77);
        Counts before = model.counter().snapshot();
        pgd = PgdAttack.linf().steps(STEPS).eps(0.1, 0.3).run(model, data);
        pgdCounterDelta = model.counter().snapshot().minus(before);
        EventListener listener = new EventListener() {
            @Override public void onAttackStarted(AttackStarted e) { EVENTS.add(e); }
            @Override public void onAttackFinished(AttackFinished e) { EVENTS.add(e); }
            @Override public void onBatchDone(BatchDone e) { EVENTS.add(e); }
        };
        try (EventBus.Subscription s = EventBus.global().subscribe(listener)) {
            sweep = PgdAttack.linf().steps(SWEEP_STEPS).eps(SWEEP).batchSize(64).run(model, data);
        }
    }

    @Test
    void theVictimIsGoodEnoughForTheseClaimsToMeanSomething() {
        assertThat(pgd.cleanCorrect()).isGreaterThan(N * 7 / 10);
    }

    @Test
    void robustAccuracyDoesNotIncreaseWithEps() {
        int previous = sweep.cleanCorrect();
        for (double eps : SWEEP) {
            int robust = sweep.at(eps).robustCount();
            assertThat(robust).as("robust count at eps %s (previous %d)", eps, previous).isLessThanOrEqualTo(previous);
            previous = robust;
        }
        assertThat(sweep.at(0.02).robustCount()).as("a small eps leaves something standing").isGreaterThan(sweep.at(0.2).robustCount());
    }

    @Test
    void pgdIsAtLeastAsStrongAsFgsm() {
        AttackResult fgsm = FgsmAttack.linf().eps(0.1).run(model, data);
        double fgsmAcc = RobustAccuracy.of(fgsm).value();
        double pgdAcc = RobustAccuracy.of(pgd, 0.1).value();
        assertThat(pgdAcc).as("PGD robust accuracy %s vs FGSM %s", pgdAcc, fgsmAcc).isLessThanOrEqualTo(fgsmAcc);
        assertThat(fgsm.cleanCorrect()).isEqualTo(pgd.cleanCorrect());
    }

    @Test
    void pgdAtALargeRadiusBreaksNearlyEverything() {
        assertThat(RobustAccuracy.of(pgd, 0.3).value()).isLessThan(0.05);
    }

    @Test
    void misclassifiedSamplesCostNothing() {
        int wrong = 0;
        for (AttackResult result : List.of(pgd, sweep)) {
            int[] clean = result.cleanPredictions();
            int steps = result == pgd ? STEPS : SWEEP_STEPS;
            for (double eps : result.epsilons()) {
                EpsResult r = result.at(eps);
                for (int i = 0; i < N; i++) {
                    if (clean[i] != data.label(i)) {
                        wrong++;
                        assertThat(r.sample(i).gradientEvaluations()).as("eps %s sample %d", eps, i).isZero();
                    } else {
                        assertThat(r.sample(i).gradientEvaluations()).as("eps %s sample %d", eps, i).isBetween(1, steps);
                    }
                }
            }
        }
        assertThat(wrong).isPositive();
    }

    @Test
    void reportedCostIsTheModelsCount() {
        long perSample = 0;
        for (double eps : pgd.epsilons()) {
            EpsResult r = pgd.at(eps);
            long sum = 0;
            for (int i = 0; i < N; i++) sum += r.sample(i).gradientEvaluations();
            assertThat(r.gradientEvaluations()).isEqualTo(sum);
            perSample += sum;
        }
        assertThat(pgd.cost()).isEqualTo(pgdCounterDelta);
        assertThat(pgd.cost().gradient()).isEqualTo(perSample);
        // One clean pass over the data, then one forward pass per gradient step to check for success.
        assertThat(pgd.cost().forward()).isEqualTo(N + perSample);
        long sweepSum = 0;
        for (double eps : SWEEP) sweepSum += sweep.at(eps).gradientEvaluations();
        assertThat(sweep.cost().gradient()).isEqualTo(sweepSum);
        assertThat(sweep.cost().forward()).isEqualTo(N + sweepSum);
    }

    @Test
    void earlyStoppingSavesStepsAtLargeEps() {
        EpsResult r = pgd.at(0.1);
        int succeeded = 0;
        int early = 0;
        for (int i = 0; i < N; i++) {
            SampleResult s = r.sample(i);
            if (s.success() && s.gradientEvaluations() > 0) {
                succeeded++;
                if (s.gradientEvaluations() < STEPS) early++;
            }
        }
        assertThat(succeeded).isGreaterThan(N / 2);
        assertThat(early).as("%d of %d successes stopped early", early, succeeded).isGreaterThan(succeeded * 9 / 10);
        assertThat(r.gradientEvaluations()).isLessThan((long) STEPS * pgd.cleanCorrect() / 2);
    }

    @Test
    void samplesThatResistUseEveryStep() {
        EpsResult r = sweep.at(0.02);
        int resisted = 0;
        for (int i = 0; i < N; i++) {
            SampleResult s = r.sample(i);
            if (s.cleanPrediction() == s.label() && !s.success()) {
                resisted++;
                assertThat(s.gradientEvaluations()).isEqualTo(SWEEP_STEPS);
            }
        }
        assertThat(resisted).isPositive();
    }

    @Test
    void restartsOnlyRunOnSamplesStillStanding() {
        int steps = 4;
        int restarts = 3;
        Dataset small = data.slice(0, 40);
        Counts before = model.counter().snapshot();
        AttackResult r = PgdAttack.linf().steps(steps).restarts(restarts).eps(0.03).run(model, small);
        Counts delta = model.counter().snapshot().minus(before);
        EpsResult e = r.single();
        int restarted = 0;
        for (int i = 0; i < small.size(); i++) {
            SampleResult s = e.sample(i);
            assertThat(s.gradientEvaluations()).isBetween(0, steps * restarts);
            if (s.gradientEvaluations() > steps) restarted++;
            if (s.cleanPrediction() == s.label() && !s.success()) {
                assertThat(s.gradientEvaluations()).as("sample %d resisted every restart", i).isEqualTo(steps * restarts);
            }
        }
        assertThat(restarted).isPositive();
        assertThat(delta).isEqualTo(r.cost());
        assertThat(r.cost().gradient()).isEqualTo(e.gradientEvaluations());
        assertThat(r.description()).contains("3 restarts");
    }

    @Test
    void lastIterateModeRunsEveryStepAndCanOnlyReportHigherRobustAccuracy() {
        PgdAttack early = PgdAttack.linf().steps(SWEEP_STEPS).eps(0.05);
        PgdAttack last = early.earlyStop(false);
        assertThat(last.describe()).contains("last iterate");
        assertThat(early.describe()).doesNotContain("last iterate");
        assertThat(last.parameters()).containsEntry("early stop", "false");
        Counts before = model.counter().snapshot();
        AttackResult rl = last.run(model, data);
        Counts delta = model.counter().snapshot().minus(before);
        AttackResult re = early.run(model, data);
        assertThat(rl.cost()).isEqualTo(delta);
        assertThat(rl.cost().gradient()).isEqualTo((long) SWEEP_STEPS * rl.cleanCorrect());
        // Without early stop only the last iterate is scored: one forward pass per attacked sample.
        assertThat(rl.cost().forward()).isEqualTo(N + (long) rl.cleanCorrect());
        EpsResult l = rl.single();
        for (int i = 0; i < N; i++) {
            SampleResult s = l.sample(i);
            assertThat(s.gradientEvaluations()).isEqualTo(s.cleanPrediction() == s.label() ? SWEEP_STEPS : 0);
            assertThat(s.success()).isEqualTo(s.adversarialPrediction() != s.label());
        }
        assertThat(l.robustCount()).isGreaterThanOrEqualTo(re.single().robustCount());
        assertThat(re.cost().gradient()).isLessThan(rl.cost().gradient());
    }

    @Test
    void fgsmSweepCostsOneGradientPerAttackedSample() {
        double[] eps = {0.02, 0.05, 0.1, 0.2};
        Counts before = model.counter().snapshot();
        AttackResult fgsm = FgsmAttack.linf().eps(eps).run(model, data);
        Counts delta = model.counter().snapshot().minus(before);
        int attacked = fgsm.cleanCorrect();
        assertThat(fgsm.cost()).isEqualTo(delta);
        assertThat(fgsm.cost().gradient()).isEqualTo(attacked);
        assertThat(fgsm.cost().forward()).isEqualTo(N + (long) eps.length * attacked);
        int[] clean = fgsm.cleanPredictions();
        for (double e : eps) {
            for (int i = 0; i < N; i++) {
                assertThat(fgsm.at(e).sample(i).gradientEvaluations()).isEqualTo(clean[i] == data.label(i) ? 1 : 0);
            }
        }
    }

    @Test
    void eventsReportTheRun() {
        AttackStarted started = (AttackStarted) EVENTS.stream().filter(e -> e instanceof AttackStarted).findFirst().orElseThrow();
        assertThat(started.samples()).isEqualTo(N);
        assertThat(started.eps()).containsExactly(SWEEP);
        assertThat(started.stepsPerSample()).isEqualTo(SWEEP_STEPS);
        List<BatchDone> batches = EVENTS.stream().filter(e -> e instanceof BatchDone).map(e -> (BatchDone) e).toList();
        assertThat(batches).extracting(BatchDone::done).containsExactly(64, N);
        assertThat(batches).extracting(BatchDone::total).containsOnly(N);
        assertThat(batches.get(batches.size() - 1).gradientEvaluations()).isEqualTo(sweep.cost().gradient());
        List<AttackFinished> finished = EVENTS.stream().filter(e -> e instanceof AttackFinished).map(e -> (AttackFinished) e).toList();
        assertThat(finished).hasSize(SWEEP.length);
        for (AttackFinished f : finished) {
            EpsResult r = sweep.at(f.eps());
            assertThat(f.robust()).isEqualTo(r.robustCount());
            assertThat(f.gradientEvaluations()).isEqualTo(r.gradientEvaluations());
            assertThat(f.samples()).isEqualTo(N);
            assertThat(f.victim()).isEqualTo(model.name());
        }
    }

    @Test
    void attackFinishedReportsForwardEvaluations() {
        // AttackFinished has a forwardEvaluations field; a PGD run spends one forward pass per step.
        List<AttackFinished> finished = new CopyOnWriteArrayList<>();
        AttackResult r;
        try (EventBus.Subscription s = EventBus.global().subscribe(new EventListener() {
            @Override public void onAttackFinished(AttackFinished e) { finished.add(e); }
        })) {
            r = PgdAttack.linf().steps(3).eps(0.05).run(model, data.slice(0, 20));
        }
        assertThat(r.cost().forward()).isPositive();
        assertThat(finished).hasSize(1);
        assertThat(finished.get(0).forwardEvaluations()).as("AttackFinished.forwardEvaluations").isEqualTo(r.cost().forward());
    }
}
