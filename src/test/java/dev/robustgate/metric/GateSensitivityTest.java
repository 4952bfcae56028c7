package dev.robustgate.metric;

import dev.robustgate.metric.GateSensitivity.Statistic;
import org.apache.commons.math3.distribution.BinomialDistribution;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GateSensitivityTest {

    @Test
    void theOldInversionGateIsWeakAndDetectsOnlyHalvingItsThreshold() {
        GateSensitivity s = GateSensitivity.ofThreshold(10, Statistic.VALUE, true, 0.3, 0.95);

        assertThat(s.canFail()).isTrue();
        assertThat(s.weak()).isTrue();
        // It fails at k <= 2; P(K <= 2 | p = 0.3 - delta) = 0.8 by definition of delta.
        double p = 0.3 - s.detectableChange();
        assertThat(new BinomialDistribution(null, 10, p).cumulativeProbability(2)).isCloseTo(0.8, within(1e-6));
        assertThat(s.detectableChange()).isCloseTo(0.15, within(0.01));
        assertThat(s.description()).startsWith("WEAK: n=10 < 100; drop 0.1");
    }

    @Test
    void theSameGateOnAThousandIsStrongAndSharp() {
        GateSensitivity s = GateSensitivity.ofThreshold(1000, Statistic.VALUE, true, 0.3, 0.95);

        assertThat(s.weak()).isFalse();
        // Fails at k <= 299: a model at 0.3 - 0.012 fails 4 runs in 5 (normal approx: 0.84 * 0.0145).
        assertThat(s.detectableChange()).isCloseTo(0.012, within(0.003));
        assertThat(s.description()).isEqualTo(String.format(java.util.Locale.ROOT, "drop %.3f", s.detectableChange()));
    }

    @Test
    void aGateNoOutcomeCanFailIsWeakWhateverItsN() {
        // The lower bound of 0/n is 0, the upper bound of n/n is 1: these gates pass every outcome.
        assertThat(GateSensitivity.ofThreshold(5000, Statistic.LOWER_BOUND, true, 0.0, 0.95))
                .satisfies(s -> assertThat(s.canFail()).isFalse())
                .satisfies(s -> assertThat(s.weak()).isTrue())
                .satisfies(s -> assertThat(s.description()).isEqualTo("WEAK: cannot fail at n=5000"));
        assertThat(GateSensitivity.ofThreshold(5000, Statistic.UPPER_BOUND, false, 1.0, 0.95).canFail()).isFalse();
        // On 3 trials even the best outcome has a lower bound of 0.292: "lower bound >= 0.3" always fails,
        // and "upper bound <= 0.7" at 0/3 is 0.708: this one never passes, but it can fail.
        assertThat(GateSensitivity.ofThreshold(3, Statistic.UPPER_BOUND, false, 0.7, 0.95).canFail()).isTrue();
    }

    @Test
    void anUpperGateMeasuresTheRiseItCatches() {
        GateSensitivity s = GateSensitivity.ofThreshold(1000, Statistic.VALUE, false, 0.1, 0.95);

        assertThat(s.weak()).isFalse();
        double p = 0.1 + s.detectableChange();
        // Fails at k >= 101.
        assertThat(1 - new BinomialDistribution(null, 1000, p).cumulativeProbability(100)).isCloseTo(0.8, within(1e-6));
        assertThat(s.description()).startsWith("rise 0.0");
    }

    @Test
    void aBoundGateFailsAModelAtItsThresholdSoItsDetectableChangeIsZero() {
        GateSensitivity s = GateSensitivity.ofThreshold(1000, Statistic.LOWER_BOUND, true, 0.5, 0.95);

        assertThat(s.detectableChange()).isZero();
        assertThat(s.weak()).isFalse();
    }

    @Test
    void comparisonsShrinkWithN() {
        GateSensitivity small = GateSensitivity.ofComparison(50, 50, 0.5, 0.01, 0);
        GateSensitivity large = GateSensitivity.ofComparison(1000, 1000, 0.5, 0.01, 0);

        assertThat(small.weak()).isTrue();
        assertThat(large.weak()).isFalse();
        // (2.326 + 0.842) * sqrt(0.25 * 2 / 1000) = 0.0708
        assertThat(large.detectableChange()).isCloseTo(0.0708, within(0.0005));
        assertThat(GateSensitivity.ofSeparation(1000, 0.5, 1000, 0.5, 0.05).detectableChange())
                .isCloseTo(1.96 * 2 * 0.01581 + 0.8416 * 0.02236 + 0.05, within(0.0005));
        assertThatThrownBy(() -> GateSensitivity.ofThreshold(0, Statistic.VALUE, true, 0.3, 0.95))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
