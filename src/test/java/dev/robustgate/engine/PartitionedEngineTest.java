package dev.robustgate.engine;

import dev.robustgate.attack.ApgdAttack;
import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.FabAttack;
import dev.robustgate.attack.FgsmAttack;
import dev.robustgate.attack.PgdAttack;
import dev.robustgate.attack.TargetSelection;
import dev.robustgate.attack.WorstCaseOf;
import dev.robustgate.data.Dataset;
import dev.robustgate.data.Shard;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.model.Dl4jClassifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.ObjectOutputStream;
import java.util.List;

import static dev.robustgate.engine.SameResults.assertSame;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine seam without a cluster: partitions run one after the other in this JVM and are
 * merged by sample id exactly as a distributed engine's are. Merged results must equal the direct
 * one-JVM call sample for sample, count for count ({@link EngineContract}, and the cases below).
 */
class PartitionedEngineTest extends EngineContract {
    private static final Engine THREE = new InProcessEngine(3, BATCH);
    private static ModelRef ref;

    @BeforeAll
    static void refer() {
        ref = ModelRef.loaded(model);
    }

    @Override protected Engine engine() { return THREE; }
    @Override protected ModelRef victim() { return ref; }

    @Test
    void partitionsAreWholeBatchesOfConsecutiveSamplesThatKeepTheirIds() {
        Dataset shard = new Shard(2, 3).of(TestModels.fashionTest(40, 7));   // 13 samples, ids 1, 4, 7, ...
        List<Partition> parts = Partition.of(shard, 3, 4);                       // batches 4+4+4+1 -> 2+1+1 batches
        assertThat(parts).extracting(Partition::size).containsExactly(8, 4, 1);
        int k = 0;
        for (Partition p : parts) {
            Dataset d = p.dataset();
            for (int j = 0; j < d.size(); j++, k++) {
                assertThat(d.sampleIds()[j]).isEqualTo(shard.sampleIds()[k]);
                assertThat(d.label(j)).isEqualTo(shard.label(k));
                assertThat(d.features().reshape(d.size(), -1).getRow(j, true))
                        .isEqualTo(shard.features().reshape(shard.size(), -1).getRow(k, true));
            }
        }
        assertThat(k).isEqualTo(shard.size());
        assertThat(Partition.of(shard, 99, 4)).hasSize(4);      // never more partitions than batches
        assertThat(Partition.of(shard, 2, 1024)).hasSize(1);
    }

    @Test
    void randomTargetsMergeExactly() {
        var fgsm = FgsmAttack.linf().eps(0.1, 0.3).targeted(TargetSelection.random(5)).batchSize(BATCH);
        assertSame(THREE.run(fgsm, ref, data), fgsm.run(model, data));
    }

    @Test
    void aShardPartitionedMergesIntoTheShardsResult() {
        Dataset shard = new Shard(1, 2).of(data);
        var pgd = PgdAttack.linf().eps(0.1).steps(4).randomStart(true).seed(3).batchSize(BATCH);
        AttackResult merged = THREE.run(pgd, ref, shard);
        assertThat(merged.data().sampleIds()).isEqualTo(shard.sampleIds());
        assertSame(merged, pgd.run(model, shard));
    }

    /**
     * APGD-T and FAB-T ask for logit gradients: each task's counter counts them as the model does, one
     * evaluation per sample on a model that seeds its backward pass (the MLP op by op), one per
     * weighted class on one that takes the cross-entropy route (the same MLP on DL4J's layers).
     */
    @Test
    void logitGradientsAreCountedPerTaskAsTheModelCountsThem() {
        var apgdT = ApgdAttack.linf().eps(0.05, 0.1).steps(4).targetClasses(3).seed(6).batchSize(BATCH);
        var fabT = FabAttack.linf().eps(0.05, 0.1).steps(3).targetClasses(2).seed(6).batchSize(BATCH);
        Dl4jClassifier layers = model.withExecution(Dl4jClassifier.Execution.DL4J_LAYERS);
        ModelRef layersRef = ModelRef.loaded(layers);
        for (var attack : List.<dev.robustgate.attack.Attack>of(apgdT, fabT)) {
            AttackResult seeded = attack.run(model, data);
            assertSame(THREE.run(attack, ref, data), seeded);
            AttackResult routed = attack.run(layers, data);
            assertSame(THREE.run(attack, layersRef, data), routed);
            for (double eps : List.of(0.05, 0.1)) {
                assertThat(routed.at(eps).gradientEvaluations()).as("%s at %s: the cross-entropy route costs more", attack.name(), eps)
                        .isGreaterThan(seeded.at(eps).gradientEvaluations());
            }
        }
    }

    @Test
    void oneInProcessPartitionIsTheDirectCall() {
        var pgd = PgdAttack.linf().eps(0.1).steps(3).seed(2);
        assertSame(new InProcessEngine().run(pgd, ref, data), pgd.run(model, data));
    }

    @Test
    void attacksTravelAsTheirConfiguration() throws Exception {
        var worst = WorstCaseOf.strong(0.03, 0.1);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(worst);
            out.writeObject(FgsmAttack.linf().eps(0.1).targeted(TargetSelection.random(3)));
        }
        try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(((WorstCaseOf) in.readObject()).describe()).isEqualTo(worst.describe());
        }
    }

    @Test
    void aModelLoadedHereCannotTravelAndBadSettingsAreNamed() {
        assertThatThrownBy(() -> new ObjectOutputStream(new ByteArrayOutputStream()).writeObject(ref))
                .hasMessageContaining("cannot be sent to other machines");
        assertThatThrownBy(() -> Engines.open("hadoop", null, null)).hasMessageContaining("unknown engine 'hadoop'");
        assertThatThrownBy(() -> Engines.open("spark", null, 0)).hasMessageContaining("partitions must be >= 1, got 0");
        assertThatThrownBy(() -> Engines.open("in-process", "local[2]", null)).hasMessageContaining("spark engine only");
    }
}
