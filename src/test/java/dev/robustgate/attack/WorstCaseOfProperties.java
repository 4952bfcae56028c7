package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.model.Dl4jClassifier;
import dev.robustgate.model.EvaluationCounter.Counts;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Scale;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The worst case is a per-sample OR of the members' successes: never more robust than any member,
 * sample by sample, and later members only pay for what the earlier ones left standing.
 */
class WorstCaseOfProperties {
    private static final int N = 20;
    private static Dl4jClassifier model;
    private static Dataset data;

    private static synchronized void load() {
        if (model == null) {
            model = TestModels.smallMlp();
            data = TestModels.fashionTest(N, 53);
        }
    }

    @Property(tries = 6)
    void worstCaseIsNeverAboveAnyMemberSampleBySample(@ForAll @DoubleRange(min = 0.005, max = 0.08) @Scale(3) double eps,
                                                      @ForAll @LongRange(min = 0, max = 1000) long seed) {
        load();
        List<Attack> members = List.of(
                FgsmAttack.linf().eps(eps, 2 * eps),
                PgdAttack.linf().eps(eps, 2 * eps).steps(5).restarts(2).seed(seed),
                SquareAttack.linf().eps(eps, 2 * eps).queries(40).seed(seed));
        WorstCaseOf.Detailed worst = WorstCaseOf.of(members).runDetailed(model, data);
        InvariantChecks.inBallBoxAndHonest(worst.combined(), data, model);
        for (Attack member : members) {
            AttackResult alone = member.run(model, data);
            for (double e : List.of(eps, 2 * eps)) {
                EpsResult w = worst.combined().at(e);
                EpsResult a = alone.at(e);
                assertThat(w.robustCount()).as("%s at eps %s", member.describe(), e).isLessThanOrEqualTo(a.robustCount());
                for (int i = 0; i < N; i++) {
                    if (w.sample(i).robust()) {
                        assertThat(a.sample(i).robust()).as("sample %d robust in the worst case but not under %s", i, member.name()).isTrue();
                    }
                }
            }
        }
    }

    @Example
    void laterMembersOnlyAttackWhatIsStillStanding() {
        load();
        PgdAttack pgd = PgdAttack.linf().eps(0.05).steps(10);
        SquareAttack square = SquareAttack.linf().eps(0.05).queries(50);
        Counts before = model.counter().snapshot();
        WorstCaseOf.Detailed worst = WorstCaseOf.of(pgd, square).runDetailed(model, data);
        Counts cost = model.counter().snapshot().minus(before);
        WorstCaseOf.MemberRun first = worst.members().get(0);
        WorstCaseOf.MemberRun second = worst.members().get(1);
        int standing = first.result().single().robustCount();
        assertThat(second.samples()).hasSize(standing);
        if (standing > 0) assertThat(second.result().data().size()).isEqualTo(standing);
        // Square's queries: its clean pass and at most its budget, on the standing samples only.
        long squareQueries = second.result() == null ? 0 : second.result().single().forwardEvaluations();
        assertThat(squareQueries).isLessThanOrEqualTo(standing * 51L);
        assertThat(worst.combined().single().robustCount())
                .isEqualTo(standing - second.newlyBroken().getOrDefault(0.05, 0));
        assertThat(worst.combined().cost()).isEqualTo(cost);
        assertThat(worst.combined().description()).startsWith("WorstCase[PGD-Linf").contains("Square-Linf");
    }

    @Example
    void membersMustShareNormAndEps() {
        assertThatThrownBy(() -> WorstCaseOf.of(PgdAttack.linf().eps(0.1), DeepFoolAttack.l2().eps(0.1)))
                .hasMessageContaining("must share the norm");
        assertThatThrownBy(() -> WorstCaseOf.of(PgdAttack.linf().eps(0.1), FgsmAttack.linf().eps(0.2)))
                .hasMessageContaining("must share the eps list");
        assertThatThrownBy(() -> WorstCaseOf.of(List.of())).hasMessageContaining("at least one");
    }
}
