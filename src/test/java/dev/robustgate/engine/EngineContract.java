package dev.robustgate.engine;

import dev.robustgate.attack.PgdAttack;
import dev.robustgate.attack.TargetSelection;
import dev.robustgate.attack.WorstCaseOf;
import dev.robustgate.data.Dataset;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.metric.MaskingChecks;
import dev.robustgate.model.Dl4jClassifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.robustgate.engine.SameResults.assertSame;

/**
 * What every engine owes: an evaluation it partitions and merges by sample id is, sample for sample
 * and count for count, the direct one-JVM call on the same victim. Each engine's test extends this
 * with the engine (3 partitions, batches of {@value #BATCH}) and a reference to the victim it can
 * load where its partitions run, and adds its own cases.
 */
public abstract class EngineContract {
    /** Not a multiple of 3 x {@value #BATCH}: the partitions differ in size. */
    protected static final int N = 23;
    /** The attacks below batch by this; the engines cut partitions of whole batches. */
    protected static final int BATCH = 4;
    /** fashion-mlp-small, the victim every engine's {@link #victim()} names. */
    protected static Dl4jClassifier model;
    protected static Dataset data;

    @BeforeAll
    static void loadVictimAndSamples() {
        model = TestModels.smallMlp();
        data = TestModels.fashionTest(N, 43);
    }

    /** The engine under test, with 3 partitions. */
    protected abstract Engine engine();

    /** {@link #model} as this engine's partitions load it. */
    protected abstract ModelRef victim();

    @Test
    void randomStartPgdWithRestartsIsTheOneJvmRunSampleForSample() {
        var pgd = PgdAttack.linf().eps(0.05, 0.1).steps(5).randomStart(true).restarts(2).seed(9).batchSize(BATCH);
        assertSame(engine().run(pgd, victim(), data), pgd.run(model, data));
    }

    @Test
    void worstCaseAndItsMembersAreTheOneJvmRun() {
        var worst = WorstCaseOf.of(
                PgdAttack.linf().eps(0.03, 0.06).steps(2).randomStart(true).seed(5).batchSize(BATCH),
                PgdAttack.linf().eps(0.03, 0.06).steps(4).randomStart(true).restarts(2).seed(9).batchSize(BATCH));
        assertSame(engine().runDetailed(worst, victim(), data), worst.runDetailed(model, data));
        assertSame(engine().run(worst, victim(), data), worst.run(model, data));
    }

    @Test
    void worstCaseWithRandomTargetsIsTheOneJvmRun() {
        var worst = WorstCaseOf.of(
                PgdAttack.linf().eps(0.03, 0.1).steps(2).randomStart(true).seed(5).targeted(TargetSelection.random(2)).batchSize(BATCH),
                PgdAttack.linf().eps(0.03, 0.1).steps(4).randomStart(true).seed(9).targeted(TargetSelection.random(2)).batchSize(BATCH));
        assertSame(engine().runDetailed(worst, victim(), data), worst.runDetailed(model, data));
    }

    @Test
    void maskingChecksReachTheOneJvmVerdictsAndCounts() {
        // The checks batch by 1024 and their gradient statistics by 256: partitions of 4 make other
        // batches, so the gradients' L1 norms may differ in the last float digits (not the counts).
        var checks = MaskingChecks.linf(0.05, 0.1).pgdSteps(3).unboundedSteps(5).squareQueries(20).seed(4);
        assertSame(engine().maskingChecks(checks, victim(), data), checks.run(model, data), 1e-6);
    }
}
