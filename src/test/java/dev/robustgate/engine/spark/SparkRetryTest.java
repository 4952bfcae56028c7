package dev.robustgate.engine.spark;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.PgdAttack;
import dev.robustgate.attack.WorstCaseOf;
import dev.robustgate.data.Dataset;
import dev.robustgate.engine.ModelRef;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.fixture.Victims;
import dev.robustgate.model.Dl4jClassifier;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.robustgate.engine.SameResults.assertSame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Spark retries a failed task, and the retried partition is counted once: every task's first
 * attempt does its work (which the shared model counts) and then throws ({@link SparkEngine#FAIL_FIRST_ATTEMPT}).
 */
class SparkRetryTest {
    private static final String VICTIM = "fashion-mlp-small";

    @Test
    void failedFirstAttemptsChangeNoSampleAndNoCount() {
        Dl4jClassifier model = TestModels.smallMlp();
        Dataset data = TestModels.fashionTest(23, 43);
        ModelRef ref = ModelRef.of("victim:" + VICTIM, VICTIM, () -> Victims.standard().get(VICTIM).model());
        var worst = WorstCaseOf.of(PgdAttack.linf().eps(0.05, 0.1).steps(3).randomStart(true).seed(9).batchSize(4),
                PgdAttack.linf().eps(0.05, 0.1).steps(5).randomStart(true).restarts(2).seed(3).batchSize(4));
        AttackResult direct = worst.run(model, data);
        long sharedBefore = model.counter().snapshot().gradient();
        try (SparkEngine spark = SparkEngine.start("local[2,2]", 3, 4, Map.of(SparkEngine.FAIL_FIRST_ATTEMPT, "true"))) {
            AttackResult merged = spark.run(worst, ref, data);
            assertSame(merged, direct);
            // The shared model saw both attempts of every task: twice the work the result counts.
            long shared = model.counter().snapshot().gradient() - sharedBefore;
            assertThat(shared).isEqualTo(2 * merged.cost().gradient()).isPositive();
        }
    }

    @Test
    void aTaskThatFailsEveryAllowedAttemptFailsTheEvaluation() {
        Dataset data = TestModels.fashionTest(8, 1);
        ModelRef ref = ModelRef.of("victim:" + VICTIM, VICTIM, () -> Victims.standard().get(VICTIM).model());
        // local[2] allows one attempt per task: the hook's failure is final.
        try (SparkEngine spark = SparkEngine.start("local[2]", 2, 4, Map.of(SparkEngine.FAIL_FIRST_ATTEMPT, "true"))) {
            assertThatThrownBy(() -> spark.run(PgdAttack.linf().eps(0.1).steps(1).batchSize(4), ref, data))
                    .hasMessageContaining("failing the first attempt");
        }
    }
}
