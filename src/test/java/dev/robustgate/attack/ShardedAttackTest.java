package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.Shard;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.metric.Proportion;
import dev.robustgate.metric.RobustAccuracy;
import dev.robustgate.model.Dl4jClassifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Shards of an evaluation give, sample by sample, exactly what the unsharded run gives, so their
 * counts add up to the same robust accuracy. Random starts and random targets are the parts that
 * could differ: they are keyed by the sample's id, which a shard keeps.
 */
class ShardedAttackTest {
    private static final int N = 23;   // not a multiple of the shard count: shards differ in size
    private static final int SHARDS = 3;
    private static Dl4jClassifier model;
    private static Dataset data;

    @BeforeAll
    static void load() {
        model = TestModels.smallMlp();
        data = TestModels.fashionTest(N, 43);
    }

    @Test
    void shardsHoldEverySampleOnceWithItsUnshardedId() {
        int[] seen = new int[N];
        for (int s = 1; s <= SHARDS; s++) {
            Dataset shard = new Shard(s, SHARDS).of(data);
            int[] ids = shard.sampleIds();
            for (int k = 0; k < ids.length; k++) {
                seen[ids[k]]++;
                assertThat(shard.label(k)).isEqualTo(data.label(ids[k]));
                assertThat(flat(shard).getRow(k, true)).isEqualTo(flat(data).getRow(ids[k], true));
            }
        }
        assertThat(seen).containsOnly(1);
    }

    @Test
    void randomStartPgdMergesExactly() {
        // Batch size 4 as well, so that shard batches and unsharded batches hold different samples.
        assertShardsMerge(d -> PgdAttack.linf().eps(0.05, 0.1).steps(5).randomStart(true).restarts(2).seed(9).batchSize(4));
    }

    @Test
    void randomTargetFgsmMergesExactly() {
        assertShardsMerge(d -> FgsmAttack.linf().eps(0.1, 0.3).targeted(TargetSelection.random(5)).batchSize(4));
    }

    @Test
    void givenTargetsFollowTheirSamplesIntoShards() {
        int[] targets = new int[N];
        for (int i = 0; i < N; i++) targets[i] = (data.label(i) + 1 + i % 3) % 10;
        assertShardsMerge(d -> PgdAttack.linf().eps(0.2).steps(4).targeted(TargetSelection.given(targets)).seed(3));
    }

    @Test
    void worstCaseMergesExactly() {
        // The second member attacks only the samples the first left standing: in a shard those are
        // other positions than in the full run, so only drawing by id makes them decide alike.
        assertShardsMerge(d -> WorstCaseOf.of(
                PgdAttack.linf().eps(0.03, 0.06).steps(2).randomStart(true).seed(5).batchSize(4),
                PgdAttack.linf().eps(0.03, 0.06).steps(4).randomStart(true).restarts(2).seed(9).batchSize(4)));
    }

    private static org.nd4j.linalg.api.ndarray.INDArray flat(Dataset d) {
        return d.features().reshape(d.size(), d.sampleLength());
    }

    private static void assertShardsMerge(Function<Dataset, Attack> attack) {
        AttackResult full = attack.apply(data).run(model, data);
        for (double eps : full.epsilons()) {
            EpsResult f = full.at(eps);
            long robust = 0;
            long trials = 0;
            for (int s = 1; s <= SHARDS; s++) {
                Dataset shard = new Shard(s, SHARDS).of(data);
                AttackResult part = attack.apply(shard).run(model, shard);
                EpsResult p = part.at(eps);
                int[] ids = shard.sampleIds();
                for (int k = 0; k < ids.length; k++) {
                    SampleResult a = p.sample(k);
                    SampleResult b = f.sample(ids[k]);
                    assertThat(a.adversarialPrediction()).as("sample %d at eps %s", ids[k], eps).isEqualTo(b.adversarialPrediction());
                    assertThat(a.robust()).as("sample %d at eps %s", ids[k], eps).isEqualTo(b.robust());
                    assertThat(a.distance()).as("sample %d at eps %s", ids[k], eps).isEqualTo(b.distance());
                    assertThat(p.adversarial().reshape(ids.length, -1).getRow(k, true))
                            .isEqualTo(f.adversarial().reshape(N, -1).getRow(ids[k], true));
                }
                Proportion pr = RobustAccuracy.of(part, eps);
                robust += pr.successes();
                trials += pr.trials();
            }
            Proportion whole = RobustAccuracy.of(full, eps);
            Proportion merged = Proportion.of(whole.metric(), whole.subject(), whole.method(), robust, trials);
            assertThat(merged.successes()).isEqualTo(whole.successes());
            assertThat(merged.trials()).isEqualTo(whole.trials()).isEqualTo(N);
            assertThat(merged.interval()).isEqualTo(whole.interval());
        }
    }

    @Test
    void badShardsAreRejectedWithTheAllowedRange() {
        assertThatThrownBy(() -> Shard.parse("0/4")).hasMessageContaining("1 <= i <= n");
        assertThatThrownBy(() -> Shard.parse("5/4")).hasMessageContaining("5/4");
        assertThatThrownBy(() -> Shard.parse("two")).hasMessageContaining("'two'");
        assertThatThrownBy(() -> data.shard(0, N + 1)).hasMessageContaining("at most one shard per sample");
        assertThat(Shard.parse(" 2/4 ")).isEqualTo(new Shard(2, 4));
    }
}
