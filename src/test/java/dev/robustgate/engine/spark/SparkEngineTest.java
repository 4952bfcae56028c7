package dev.robustgate.engine.spark;

import dev.robustgate.attack.PgdAttack;
import dev.robustgate.engine.Engine;
import dev.robustgate.engine.EngineContract;
import dev.robustgate.engine.ExecutorModels;
import dev.robustgate.engine.ModelRef;
import dev.robustgate.fixture.Victims;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Evaluations on an embedded Spark (local[2,2]: two executor threads, two attempts per task) give,
 * sample for sample and count for count, the one-JVM results, also when every task's first
 * attempt fails on purpose after doing its work.
 */
class SparkEngineTest extends EngineContract {
    private static final String VICTIM = "fashion-mlp-small";
    private static ModelRef ref;
    private static SparkEngine spark;

    @BeforeAll
    static void start() {
        ref = ModelRef.of("victim:" + VICTIM, VICTIM, () -> Victims.standard().get(VICTIM).model());
        spark = SparkEngine.start("local[2,2]", 3, BATCH, Map.of(SparkEngine.FAIL_FIRST_ATTEMPT, "false"));
    }

    @AfterAll
    static void stop() {
        if (spark != null) spark.close();
    }

    @Override protected Engine engine() { return spark; }
    @Override protected ModelRef victim() { return ref; }

    @Test
    void describesItsMasterAndPartitions() {
        assertThat(spark.describe()).isEqualTo("spark local[2,2], 3 partitions");
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
