package dev.robustgate.metric;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.SyntheticResults;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ProportionTest {

    @Test
    void summaryNamesMetricMethodSubjectValueIntervalAndCount() {
        Proportion p = Proportion.of("robust accuracy", "fashion-lenet", "PGD-Linf(eps=0.1)", 50, 100);
        assertThat(p.summary()).isEqualTo(
                "robust accuracy under PGD-Linf(eps=0.1) on fashion-lenet: 0.500 [0.398, 0.602] over 100 samples");
        assertThat(p.toString()).isEqualTo(p.summary());
        assertThat(p.value()).isEqualTo(0.5);
        assertThat(p.interval().level()).isEqualTo(ConfidenceInterval.DEFAULT_LEVEL);
    }

    @Test
    void summaryWithoutMethodOmitsUnder() {
        Proportion p = Proportion.of("clean accuracy", "m", "", 0, 10);
        assertThat(p.summary()).isEqualTo("clean accuracy on m: 0.000 [0.000, 0.308] over 10 samples");
    }

    @Test
    void summaryIgnoresTheDefaultLocale() {
        Locale before = Locale.getDefault();
        try {
            Locale.setDefault(Locale.GERMANY);
            assertThat(Proportion.of("clean accuracy", "m", "", 5, 10).summary())
                    .isEqualTo("clean accuracy on m: 0.500 [0.187, 0.813] over 10 samples");
        } finally {
            Locale.setDefault(before);
        }
    }

    @Test
    void atLevelKeepsCountsAndChangesTheInterval() {
        Proportion p = Proportion.of("m", "s", "", 30, 100);
        Proportion q = p.atLevel(0.99);
        assertThat(q.successes()).isEqualTo(30);
        assertThat(q.trials()).isEqualTo(100);
        assertThat(q.interval().level()).isEqualTo(0.99);
        assertThat(q.interval().lower()).isLessThan(p.interval().lower());
        assertThatThrownBy(() -> p.atLevel(1.0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.0");
    }

    @Test
    void rejectsImpossibleCounts() {
        assertThatThrownBy(() -> Proportion.of("m", "s", "", 11, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("11");
        assertThatThrownBy(() -> Proportion.of("m", "s", "", 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
    }

    /**
     * Ten samples: 0-3 misclassified before the attack, 4-9 correct; the attack breaks 4, 5 and 6.
     */
    private static AttackResult tenSamples() {
        int[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        int[] clean = {1, 2, 3, 4, 4, 5, 6, 7, 8, 9};
        int[] adv = {1, 2, 3, 4, 0, 0, 0, 7, 8, 9};
        boolean[] ok = {true, true, true, true, true, true, true, false, false, false};
        int[] adv2 = {1, 2, 3, 4, 0, 0, 0, 0, 8, 9};
        boolean[] ok2 = {true, true, true, true, true, true, true, true, false, false};
        return SyntheticResults.of(labels, clean, null, new double[]{0.1, 0.2}, new int[][]{adv, adv2}, new boolean[][]{ok, ok2});
    }

    @Test
    void successRateLeavesCleanWrongSamplesOutOfTheDenominator() {
        AttackResult r = tenSamples();
        Proportion s = SuccessRate.of(r, 0.1);
        assertThat(s.successes()).isEqualTo(3);
        assertThat(s.trials()).isEqualTo(6);
        assertThat(s.value()).isCloseTo(0.5, within(1e-12));
        assertThat(s.metric()).isEqualTo("attack success rate");
        assertThat(s.subject()).isEqualTo("victim-x");
        assertThat(s.method()).isEqualTo("Synthetic(eps=0.1)");
        assertThat(SuccessRate.of(r, 0.2).successes()).isEqualTo(4);
    }

    @Test
    void robustAccuracyCountsAllSamples() {
        AttackResult r = tenSamples();
        Proportion a = RobustAccuracy.of(r, 0.1);
        assertThat(a.successes()).isEqualTo(3);
        assertThat(a.trials()).isEqualTo(10);
        assertThat(RobustAccuracy.of(r, 0.2).successes()).isEqualTo(2);
        assertThat(CleanAccuracy.of(r).successes()).isEqualTo(6);
        assertThat(CleanAccuracy.of(r).trials()).isEqualTo(10);
        assertThat(CleanAccuracy.of(r).method()).isEmpty();
    }

    @Test
    void metricsNeedAnEvaluatedEps() {
        AttackResult r = tenSamples();
        assertThatThrownBy(() -> RobustAccuracy.of(r, 0.3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0.3").hasMessageContaining("[0.1, 0.2]");
        assertThatThrownBy(() -> RobustAccuracy.of(r)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at(eps)");
        assertThatThrownBy(() -> SuccessRate.of(r)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void successRateIsUndefinedWithoutCleanCorrectSamples() {
        int[] labels = {0, 1};
        int[] clean = {1, 0};
        AttackResult r = SyntheticResults.of(labels, clean, null, new double[]{0.1}, new int[][]{clean},
                new boolean[][]{{true, true}});
        assertThatThrownBy(() -> SuccessRate.of(r)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("victim-x").hasMessageContaining("none of the 2 samples");
        assertThat(RobustAccuracy.of(r).successes()).isZero();
    }

    @Test
    void targetedSuccessRateCountsTargetsReachedOnCleanCorrectSamples() {
        int[] labels = {0, 1, 2, 3};
        int[] clean = {0, 1, 2, 0};          // sample 3 wrong before the attack
        int[] targets = {5, 5, 5, 0};        // sample 3 already "reaches" its target
        int[] adv = {5, 7, 2, 0};            // sample 0 hits the target, sample 1 is misclassified but misses it
        boolean[] ok = {true, false, false, true};
        AttackResult r = SyntheticResults.of(labels, clean, targets, new double[]{0.5}, new int[][]{adv}, new boolean[][]{ok});
        Proportion s = SuccessRate.of(r);
        assertThat(s.successes()).isEqualTo(1);
        assertThat(s.trials()).isEqualTo(3);
        assertThat(RobustAccuracy.of(r).successes()).isEqualTo(1);
    }
}
