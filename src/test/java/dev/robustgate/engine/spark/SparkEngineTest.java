package dev.robustgate.engine.spark;

import dev.robustgate.attack.PgdAttack;
import dev.robustgate.attack.TargetSelection;
import dev.robustgate.attack.WorstCaseOf;
import dev.robustgate.data.Dataset;
import dev.robustgate.engine.ExecutorModels;
import dev.robustgate.engine.ModelRef;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.fixture.Victims;
import dev.robustgate.metric.MaskingChecks;
import dev.robustgate.model.Dl4jClassifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.robustgate.engine.SameResults.assertSame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Evaluations on an embedded Spark (local[2,2]: two executor threads, two attempts per task) give,
 * sample for sample and count for count, the one-JVM results, also when every task's first
 * attempt fails on purpose after doing its work.
 */
class SparkEngineTest {
    private static final int N = 23;
    private static final int BATCH = 4;
    private static final String VICTIM = "fashion-mlp-small";
    private static Dl4jClassifier model;
    private static Dataset data;
    private static ModelRef ref;
    private static SparkEngine spark;

    @BeforeAll
    static void start() {
        model = TestModels.smallMlp();
        data = TestModels.fashionTest(N, 43);
        ref = ModelRef.of("victim:" + VICTIM, VICTIM, () -> Victims.standard().get(VICTIM).model());
        spark = SparkEngine.start("local[2,2]", 3, BATCH, Map.of(SparkEngine.FAIL_FIRST_ATTEMPT, "false"));
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.close();
    }

    @Test
    void randomStartPgdOnSparkIsTheOneJvmRunSampleForSample() {
        var pgd = PgdAttack.linf().eps(0.05, 0.1).steps(5).randomStart(true).restarts(2).seed(9).batchSize(BATCH);
        assertSame(spark.run(pgd, ref, data), pgd.run(model, data));
        assertThat(spark.describe()).isEqualTo("spark local[2,2], 3 partitions");
    }

    @Test
    void worstCaseWithRandomTargetsOnSparkIsTheOneJvmRun() {
        var worst = WorstCaseOf.of(
                PgdAttack.linf().eps(0.03, 0.1).steps(2).randomStart(true).seed(5).targeted(TargetSelection.random(2)).batchSize(BATCH),
                PgdAttack.linf().eps(0.03, 0.1).steps(4).randomStart(true).seed(9).targeted(TargetSelection.random(2)).batchSize(BATCH));
        assertSame(spark.runDetailed(worst, ref, data), worst.runDetailed(model, data));
    }

    @Test
    void maskingChecksOnSparkReachTheOneJvmVerdicts() {
        var checks = MaskingChecks.linf(0.05, 0.1).pgdSteps(3).unboundedSteps(5).squareQueries(20).seed(4);
        assertSame(spark.maskingChecks(checks, ref, data), checks.run(model, data), 1e-6);
    }

    @Test
    void theModelIsLoadedOncePerExecutorJvmNotPerTask() {
        var pgd = PgdAttack.linf().eps(0.1).steps(2).seed(1).batchSize(BATCH);
        spark.run(pgd, ref, data);
        spark.run(pgd, ref, data);
        // local[2]: the executor is this JVM; 2 jobs x 3 tasks loaded the victim once.
        assertThat(ExecutorModels.loads(ref.key())).isEqualTo(1);
    }

    @Test
    void aModelThatLivesOnlyInThisJvmIsRefusedInOneLine() {
        assertThatThrownBy(() -> spark.run(PgdAttack.linf().eps(0.1), ModelRef.loaded(model), data))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be sent to other machines: name a victim or a model file");
    }
}
