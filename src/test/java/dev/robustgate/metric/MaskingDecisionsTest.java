package dev.robustgate.metric;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.SyntheticResults;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.robustgate.metric.MaskingDecisions.BLACK_BOX_BEATS_WHITE_BOX;
import static dev.robustgate.metric.MaskingDecisions.FGSM_BEATS_PGD;
import static dev.robustgate.metric.MaskingDecisions.RANDOMISED;
import static dev.robustgate.metric.MaskingDecisions.RISES_WITH_EPS;
import static dev.robustgate.metric.MaskingDecisions.UNBOUNDED_ABOVE_CHANCE;
import static dev.robustgate.metric.MaskingDecisions.USELESS_GRADIENTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The masking checks' decisions on hand-made counts: every threshold at and either side of its edge, every
 * paired count in both directions. No model runs here (the checks on real models: MaskingChecksTest and the
 * spec MaskingFlagsSpec), so PIT mutation-tests this in seconds.
 */
class MaskingDecisionsTest {

    /** A sweep over {@code eps} in which sample i is robust at eps e iff {@code robust[e][i]} (label 0, clean 0). */
    private static AttackResult sweep(double[] eps, boolean[][] robust) {
        int n = robust[0].length;
        int[][] adv = new int[eps.length][n];
        boolean[][] success = new boolean[eps.length][n];
        for (int e = 0; e < eps.length; e++) {
            for (int i = 0; i < n; i++) {
                adv[e][i] = robust[e][i] ? 0 : 1;
                success[e][i] = !robust[e][i];
            }
        }
        return SyntheticResults.of(new int[n], new int[n], null, eps, adv, success);
    }

    /** n samples of which the first {@code robustCount} are robust. */
    private static boolean[] robustFirst(int n, int robustCount) {
        boolean[] r = new boolean[n];
        for (int i = 0; i < robustCount; i++) r[i] = true;
        return r;
    }

    private static boolean[] all(int n, boolean v) {
        boolean[] r = new boolean[n];
        java.util.Arrays.fill(r, v);
        return r;
    }

    @Test
    void theSignTestIsExactAndOneSided() {
        assertThat(MaskingDecisions.signTest(5, 0)).isCloseTo(1.0 / 32, within(1e-12));
        assertThat(MaskingDecisions.signTest(3, 1)).isCloseTo(5.0 / 16, within(1e-12));
        assertThat(MaskingDecisions.signTest(1, 1)).isCloseTo(0.75, within(1e-12));
        assertThat(MaskingDecisions.signTest(1, 0)).isCloseTo(0.5, within(1e-12));
        assertThat(MaskingDecisions.signTest(0, 5)).isEqualTo(1.0);
        assertThat(MaskingDecisions.signTest(0, 0)).isEqualTo(1.0);
    }

    @Test
    void accuracyThatRisesSystematicallyIsFlaggedWithItsCounts() {
        // 5 samples broken at 0.1, robust again at 0.2 (b = 5, c = 0): p = 1/32 = 0.03125.
        AttackResult rising = sweep(new double[]{0.1, 0.2}, new boolean[][]{all(5, false), all(5, true)});
        MaskingCheck flagged = MaskingDecisions.accuracyRisesWithEps(rising, 0.05);
        assertThat(flagged.name()).isEqualTo(RISES_WITH_EPS);
        assertThat(flagged.suspected()).isTrue();
        assertThat(flagged.evidence()).isEqualTo(
                "Synthetic: robust 0 -> 5 of 5 from eps 0.1 to 0.2 (5 became robust, 0 stopped being; sign test p=0.0313)");
        // p < alpha is strict: at alpha = p exactly it does not flag.
        assertThat(MaskingDecisions.accuracyRisesWithEps(rising, 1.0 / 32).suspected()).isFalse();
        assertThat(MaskingDecisions.accuracyRisesWithEps(rising, 1.0 / 32 + 1e-9).suspected()).isTrue();
    }

    @Test
    void aSweepIsReadInEpsOrderWhateverOrderItCameIn() {
        // Listed large eps first: sorted, the accuracy rises from 0.1 to 0.2; read as listed it would fall.
        AttackResult rising = sweep(new double[]{0.2, 0.1}, new boolean[][]{all(6, true), all(6, false)});
        assertThat(MaskingDecisions.accuracyRisesWithEps(rising, 0.05).suspected()).isTrue();
        AttackResult falling = sweep(new double[]{0.2, 0.1}, new boolean[][]{all(6, false), all(6, true)});
        MaskingCheck quiet = MaskingDecisions.accuracyRisesWithEps(falling, 0.05);
        assertThat(quiet.suspected()).isFalse();
        assertThat(quiet.evidence()).isEqualTo("Synthetic: 2 eps, accuracy never rises significantly");
    }

    @Test
    void aRiseBetweenAnyTwoConsecutiveEpsIsFound() {
        boolean[] broken = all(6, false);
        AttackResult late = sweep(new double[]{0.1, 0.2, 0.3}, new boolean[][]{all(6, true), broken, all(6, true)});
        MaskingCheck c = MaskingDecisions.accuracyRisesWithEps(late, 0.05);
        assertThat(c.suspected()).isTrue();
        assertThat(c.evidence()).contains("from eps 0.2 to 0.3");
    }

    @Test
    void oneSampleBackOrASwapIsNotARise() {
        // One sample becomes robust: p = 0.5.
        boolean[] oneBack = all(20, false);
        oneBack[0] = true;
        assertThat(MaskingDecisions.accuracyRisesWithEps(sweep(new double[]{0.1, 0.2},
                new boolean[][]{all(20, false), oneBack}), 0.05).suspected()).isFalse();
        // 6 become robust, 6 stop being: b = c, no flag (and p = 0.61).
        boolean[] first = new boolean[12], second = new boolean[12];
        for (int i = 0; i < 6; i++) first[i] = true;
        for (int i = 6; i < 12; i++) second[i] = true;
        MaskingCheck swap = MaskingDecisions.accuracyRisesWithEps(sweep(new double[]{0.1, 0.2}, new boolean[][]{first, second}), 0.99);
        assertThat(swap.suspected()).isFalse();
    }

    @Test
    void moreBecomingRobustThanStoppingIsWhatCounts() {
        // 8 become robust and 1 stops being: p = P(X >= 8 | 9) = 10/512.
        boolean[] small = new boolean[10], large = new boolean[10];
        small[9] = true;
        for (int i = 0; i < 8; i++) large[i] = true;
        MaskingCheck c = MaskingDecisions.accuracyRisesWithEps(sweep(new double[]{0.1, 0.2}, new boolean[][]{small, large}), 0.05);
        assertThat(c.suspected()).isTrue();
        assertThat(c.evidence()).contains("robust 1 -> 8 of 10").contains("(8 became robust, 1 stopped being; sign test p=0.0195)");
    }

    @Test
    void unboundedAttackMustReachChanceJudgedOnItsLastEps() {
        double[] eps = {0.5, 1.0};
        // 20 of 100 robust: Clopper-Pearson lower end 0.127 > chance 0.1.
        AttackResult above = sweep(eps, new boolean[][]{all(100, true), robustFirst(100, 20)});
        MaskingCheck flagged = MaskingDecisions.unboundedReachesChance(above, 10);
        assertThat(flagged.name()).isEqualTo(UNBOUNDED_ABOVE_CHANCE);
        assertThat(flagged.suspected()).isTrue();
        assertThat(flagged.evidence()).contains("robust accuracy 0.200").contains("chance 0.100");
        // The same count with two classes: chance 0.5, not above it.
        assertThat(MaskingDecisions.unboundedReachesChance(above, 2).suspected()).isFalse();
        // 10 of 100: lower end 0.049, not above chance; the first eps (all robust) is not what is judged.
        AttackResult atChance = sweep(eps, new boolean[][]{all(100, true), robustFirst(100, 10)});
        assertThat(MaskingDecisions.unboundedReachesChance(atChance, 10).suspected()).isFalse();
        // 16 of 100: lower end 0.094, still not significantly above 0.1; 18 of 100: 0.111, above.
        assertThat(MaskingDecisions.unboundedReachesChance(sweep(eps, new boolean[][]{all(100, false), robustFirst(100, 16)}), 10)
                .suspected()).isFalse();
        assertThat(MaskingDecisions.unboundedReachesChance(sweep(eps, new boolean[][]{all(100, false), robustFirst(100, 18)}), 10)
                .suspected()).isTrue();
    }

    @Test
    void aWeakerAttackBeatingAStrongerOneIsFlaggedOnlyWhenSystematic() {
        double[] eps = {0.1};
        AttackResult breaksAll = sweep(eps, new boolean[][]{all(10, false)});
        AttackResult breaksNone = sweep(eps, new boolean[][]{all(10, true)});
        MaskingCheck flagged = MaskingDecisions.beats(FGSM_BEATS_PGD, breaksAll, breaksNone, 0.1, 0.05);
        assertThat(flagged.name()).isEqualTo(FGSM_BEATS_PGD);
        assertThat(flagged.suspected()).isTrue();
        assertThat(flagged.evidence()).isEqualTo("at eps 0.1: robust 0 under Synthetic vs 10 under Synthetic of 10 "
                + "(10 broken only by the first, 0 only by the second; sign test p=0.000977)");
        MaskingCheck reverse = MaskingDecisions.beats(FGSM_BEATS_PGD, breaksNone, breaksAll, 0.1, 0.05);
        assertThat(reverse.suspected()).isFalse();
        assertThat(reverse.evidence()).contains("(0 broken only by the first, 10 only by the second; sign test p=1.00)");
        // Both break the same samples: nothing to compare.
        assertThat(MaskingDecisions.beats(FGSM_BEATS_PGD, breaksAll, breaksAll, 0.1, 0.99).suspected()).isFalse();
        // 6 broken only by each (b = c): never a flag, even at an alpha the sign test's p = 0.61 is below.
        boolean[] firstHalf = new boolean[12], secondHalf = new boolean[12];
        for (int i = 0; i < 6; i++) firstHalf[i] = true;
        for (int i = 6; i < 12; i++) secondHalf[i] = true;
        assertThat(MaskingDecisions.beats("x", sweep(eps, new boolean[][]{firstHalf}), sweep(eps, new boolean[][]{secondHalf}), 0.1, 0.99)
                .suspected()).isFalse();
        // 5 of 5 discordant pairs one way: p = 1/32; strict against alpha.
        AttackResult breaksFive = sweep(eps, new boolean[][]{robustFirst(10, 5)});
        assertThat(MaskingDecisions.beats("x", breaksFive, breaksNone, 0.1, 1.0 / 32).suspected()).isFalse();
        assertThat(MaskingDecisions.beats("x", breaksFive, breaksNone, 0.1, 1.0 / 32 + 1e-9).suspected()).isTrue();
    }

    @Test
    void beatsComparesTheSameSamplesAtTheGivenEps() {
        AttackResult ten = sweep(new double[]{0.1, 0.2}, new boolean[][]{all(10, true), all(10, false)});
        AttackResult tenRobust = sweep(new double[]{0.1, 0.2}, new boolean[][]{all(10, true), all(10, true)});
        assertThat(MaskingDecisions.beats("x", ten, tenRobust, 0.1, 0.05).suspected()).isFalse();
        assertThat(MaskingDecisions.beats("x", ten, tenRobust, 0.2, 0.05).suspected()).isTrue();
        AttackResult nine = sweep(new double[]{0.1}, new boolean[][]{all(9, true)});
        assertThatThrownBy(() -> MaskingDecisions.beats("x", ten, nine, 0.1, 0.05))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10 and 9 samples");
    }

    @Test
    void uselessGradientsAreFlaggedAboveTheThresholdOnly() {
        GradientStatistics g = new GradientStatistics("m", 100, 3, 2, 1.5);
        MaskingCheck atThreshold = MaskingDecisions.gradients(g, 0.05);
        assertThat(atThreshold.name()).isEqualTo(USELESS_GRADIENTS);
        assertThat(atThreshold.suspected()).isFalse();
        assertThat(atThreshold.evidence()).startsWith("3 zero and 2 non-finite of 100: 0.050 ").endsWith(", threshold 0.050");
        assertThat(MaskingDecisions.gradients(g, 0.049).suspected()).isTrue();
        assertThat(MaskingDecisions.gradients(new GradientStatistics("m", 100, 0, 6, 1.5), 0.05).suspected()).isTrue();
        assertThat(MaskingDecisions.gradients(new GradientStatistics("m", 100, 6, 0, 1.5), 0.05).suspected()).isTrue();
    }

    @Test
    void randomnessIsAnyLogitChangeBeyondFloatNoise() {
        double[][] a = {{1, 2, 3}, {0, 0, 1}, {5, 4, 3}};
        MaskingCheck same = MaskingDecisions.randomised(a, new double[][]{{1, 2, 3}, {0, 0, 1}, {5, 4, 3}});
        assertThat(same.name()).isEqualTo(RANDOMISED);
        assertThat(same.suspected()).isFalse();
        assertThat(same.evidence()).isEqualTo("two identical calls: 0 of 3 samples' logits changed (max |dz| 0.00), 0 predictions changed");
        // Exactly at the tolerance (1e-4) and below it: float noise.
        assertThat(MaskingDecisions.randomised(new double[][]{{0, 0}}, new double[][]{{0, 1e-4}}).suspected()).isFalse();
        assertThat(MaskingDecisions.randomised(a, new double[][]{{1, 2, 3 + 5e-5}, {0, 0, 1}, {5, 4, 3}}).suspected()).isFalse();
        // One row beyond it, the largest change reported, no prediction changed.
        MaskingCheck moved = MaskingDecisions.randomised(a, new double[][]{{1, 2, 3.5}, {0, 0, 1 - 2e-4}, {5, 4, 3}});
        assertThat(moved.suspected()).isTrue();
        assertThat(moved.evidence()).startsWith("two identical calls: 2 of 3 samples' logits changed (max |dz| 0.500), 0 predictions changed; ")
                .contains("EOT");
        // A changed prediction is counted.
        MaskingCheck flipped = MaskingDecisions.randomised(a, new double[][]{{1, 4, 3}, {0, 0, 1}, {5, 4, 6}});
        assertThat(flipped.evidence()).contains("2 of 3 samples' logits changed (max |dz| 3.00), 2 predictions changed");
        assertThatThrownBy(() -> MaskingDecisions.randomised(a, new double[][]{{1, 2, 3}}))
                .hasMessageContaining("3 and 1 rows");
    }

    @Test
    void argMaxTakesTheFirstLargest() {
        assertThat(MaskingDecisions.argMax(new double[]{1, 3, 3})).isEqualTo(1);
        assertThat(MaskingDecisions.argMax(new double[]{5, 1, 2})).isZero();
        assertThat(MaskingDecisions.argMax(new double[]{0, 1, 2})).isEqualTo(2);
    }

    @Test
    void decideReportsTheSixChecksInOrderAndKeepsTheWorst() {
        double[] eps = {0.2, 0.1};   // unsorted on purpose: Square is compared at the largest
        boolean[] robust = all(10, true), broken = all(10, false);
        // FGSM: broken at 0.1, robust at 0.2 (rises; and beats PGD at 0.1 only). PGD: robust at both.
        AttackResult fgsm = sweep(new double[]{0.1, 0.2}, new boolean[][]{broken, robust});
        AttackResult pgd = sweep(new double[]{0.1, 0.2}, new boolean[][]{robust, robust});
        AttackResult square = sweep(new double[]{0.2}, new boolean[][]{broken});
        AttackResult unbounded = sweep(new double[]{1.0}, new boolean[][]{broken});
        MaskingCheck randomness = new MaskingCheck(RANDOMISED, false, "given");
        GradientStatistics gradients = new GradientStatistics("m", 10, 0, 0, 1.0);
        List<MaskingCheck> checks = MaskingDecisions.decide(
                new MaskingDecisions.Evidence(fgsm, pgd, square, unbounded, gradients, randomness), eps, 10, 0.05, 0.05);
        assertThat(checks).extracting(MaskingCheck::name).containsExactly(RISES_WITH_EPS, UNBOUNDED_ABOVE_CHANCE,
                BLACK_BOX_BEATS_WHITE_BOX, FGSM_BEATS_PGD, USELESS_GRADIENTS, RANDOMISED);
        assertThat(checks).extracting(MaskingCheck::suspected).containsExactly(true, false, true, true, false, false);
        assertThat(checks.get(2).evidence()).startsWith("at eps 0.2:");
        assertThat(checks.get(3).evidence()).startsWith("at eps 0.1:");
        assertThat(checks.get(5)).isSameAs(randomness);

        // The sweep that rises is PGD's (FGSM's does not): the flag still shows; FGSM beats PGD at 0.2 only.
        AttackResult fgsmFlat = sweep(new double[]{0.1, 0.2}, new boolean[][]{robust, broken});
        AttackResult pgdRising = sweep(new double[]{0.1, 0.2}, new boolean[][]{broken, robust});
        List<MaskingCheck> second = MaskingDecisions.decide(
                new MaskingDecisions.Evidence(fgsmFlat, pgdRising, sweep(new double[]{0.2}, new boolean[][]{robust}), unbounded,
                        new GradientStatistics("m", 10, 1, 0, 1.0), randomness), new double[]{0.1, 0.2}, 10, 0.05, 0.05);
        assertThat(second).extracting(MaskingCheck::suspected).containsExactly(true, false, false, true, true, false);
        assertThat(second.get(0).evidence()).contains("from eps 0.1 to 0.2");
        assertThat(second.get(3).evidence()).startsWith("at eps 0.2:");
        // Neither flags: the first eps's evidence is kept.
        List<MaskingCheck> quiet = MaskingDecisions.decide(
                new MaskingDecisions.Evidence(pgd, pgd, sweep(new double[]{0.2}, new boolean[][]{robust}), unbounded,
                        gradients, randomness), new double[]{0.1, 0.2}, 10, 0.05, 0.05);
        assertThat(quiet).extracting(MaskingCheck::suspected).containsOnly(false);
        assertThat(quiet.get(3).evidence()).startsWith("at eps 0.1:");
        assertThat(quiet.get(0).evidence()).isEqualTo("Synthetic: 2 eps, accuracy never rises significantly");
    }

    @Test
    void decideNeedsAnEps() {
        AttackResult r = sweep(new double[]{0.1}, new boolean[][]{all(2, true)});
        assertThatThrownBy(() -> MaskingDecisions.decide(new MaskingDecisions.Evidence(r, r, r, r,
                new GradientStatistics("m", 2, 0, 0, 1.0), new MaskingCheck(RANDOMISED, false, "")), new double[0], 10, 0.05, 0.05))
                .hasMessageContaining("at least one eps");
    }

    @Test
    void worseKeepsTheFirstUnlessOnlyTheSecondIsSuspected() {
        MaskingCheck ok1 = new MaskingCheck("a", false, "1"), ok2 = new MaskingCheck("a", false, "2");
        MaskingCheck bad1 = new MaskingCheck("a", true, "3"), bad2 = new MaskingCheck("a", true, "4");
        assertThat(MaskingDecisions.worse(ok1, ok2)).isSameAs(ok1);
        assertThat(MaskingDecisions.worse(ok1, bad2)).isSameAs(bad2);
        assertThat(MaskingDecisions.worse(bad1, ok2)).isSameAs(bad1);
        assertThat(MaskingDecisions.worse(bad1, bad2)).isSameAs(bad1);
    }
}
