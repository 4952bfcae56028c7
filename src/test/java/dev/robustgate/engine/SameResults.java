package dev.robustgate.engine;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.EpsResult;
import dev.robustgate.attack.WorstCaseOf;
import dev.robustgate.metric.MaskingCheck;
import dev.robustgate.metric.MaskingReport;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Asserts that a merged result is, sample for sample and count for count, the one-JVM result. */
public final class SameResults {
    private SameResults() {}

    public static void assertSame(AttackResult merged, AttackResult direct) {
        assertThat(merged.description()).isEqualTo(direct.description());
        assertThat(merged.parameters()).isEqualTo(direct.parameters());
        assertThat(merged.victim()).isEqualTo(direct.victim());
        assertThat(merged.data().sampleIds()).isEqualTo(direct.data().sampleIds());
        assertThat(merged.cleanPredictions()).isEqualTo(direct.cleanPredictions());
        assertThat(merged.epsilons()).isEqualTo(direct.epsilons());
        for (double eps : direct.epsilons()) {
            EpsResult m = merged.at(eps);
            EpsResult d = direct.at(eps);
            assertThat(m.description()).isEqualTo(d.description());
            for (int i = 0; i < d.size(); i++) {
                assertThat(m.sample(i)).as("sample %d at eps %s", i, eps).isEqualTo(d.sample(i));
            }
            assertThat(m.adversarial().shape()).isEqualTo(d.adversarial().shape());
            assertThat(m.adversarial()).as("adversarial examples at eps %s", eps).isEqualTo(d.adversarial());
            assertThat(m.robustCount()).isEqualTo(d.robustCount());
            assertThat(m.gradientEvaluations()).as("gradient evaluations at eps %s", eps).isEqualTo(d.gradientEvaluations());
            assertThat(m.forwardEvaluations()).as("forward evaluations at eps %s", eps).isEqualTo(d.forwardEvaluations());
        }
        assertThat(merged.cost()).as("cost of %s", direct.description()).isEqualTo(direct.cost());
    }

    public static void assertSame(WorstCaseOf.Detailed merged, WorstCaseOf.Detailed direct) {
        assertSame(merged.combined(), direct.combined());
        assertThat(merged.members()).hasSameSizeAs(direct.members());
        for (int m = 0; m < direct.members().size(); m++) {
            WorstCaseOf.MemberRun a = merged.members().get(m);
            WorstCaseOf.MemberRun b = direct.members().get(m);
            assertThat(a.samples()).as("member %d attacked", m).isEqualTo(b.samples());
            assertThat(a.newlyBroken()).as("member %d newly broke", m).isEqualTo(b.newlyBroken());
            assertThat(a.result() == null).isEqualTo(b.result() == null);
            if (b.result() != null) assertSame(a.result(), b.result());
        }
    }

    /** Same checks, evidence and gradient counts; the median gradient L1 norm within {@code relative}. */
    public static void assertSame(MaskingReport merged, MaskingReport direct, double relative) {
        assertThat(merged.setup()).isEqualTo(direct.setup());
        var m = merged.gradients();
        var d = direct.gradients();
        assertThat(List.of(m.victim(), m.samples(), m.zero(), m.nonFinite())).isEqualTo(List.of(d.victim(), d.samples(), d.zero(), d.nonFinite()));
        assertThat(m.medianL1Norm()).isCloseTo(d.medianL1Norm(), org.assertj.core.data.Offset.offset(relative * Math.abs(d.medianL1Norm())));
        assertThat(merged.checks()).extracting(MaskingCheck::evidence).isEqualTo(direct.checks().stream().map(MaskingCheck::evidence).toList());
        assertThat(merged.suspected()).isEqualTo(direct.suspected());
    }
}
