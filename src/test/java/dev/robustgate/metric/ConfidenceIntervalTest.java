package dev.robustgate.metric;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ConfidenceIntervalTest {

    @ParameterizedTest(name = "k={0}, n={1} -> [{2}, {3}]")
    @CsvSource({
            // Exact Clopper-Pearson 95% bounds (R: binom.test(k, n)$conf.int)
            "0,   10,  0.0,    0.3085",
            "10,  10,  0.6915, 1.0",
            "5,   10,  0.1871, 0.8129",
            "50,  100, 0.3983, 0.6017",
            "1,   10,  0.0025, 0.4450",
            "0,   1,   0.0,    0.975",
    })
    void matchesKnownValues(long k, long n, double lower, double upper) {
        ConfidenceInterval ci = ConfidenceInterval.clopperPearson(k, n, 0.95);
        assertThat(ci.lower()).isCloseTo(lower, within(1e-4));
        assertThat(ci.upper()).isCloseTo(upper, within(1e-4));
        assertThat(ci.level()).isEqualTo(0.95);
    }

    @Test
    void boundsAtTheEdgesHaveClosedForms() {
        // k = 0: upper = 1 - (alpha/2)^(1/n); k = n: lower = (alpha/2)^(1/n).
        for (int n : new int[]{1, 7, 10, 1000}) {
            double edge = Math.pow(0.025, 1.0 / n);
            assertThat(ConfidenceInterval.clopperPearson(0, n, 0.95).upper()).isCloseTo(1 - edge, within(1e-7));
            assertThat(ConfidenceInterval.clopperPearson(0, n, 0.95).lower()).isZero();
            assertThat(ConfidenceInterval.clopperPearson(n, n, 0.95).lower()).isCloseTo(edge, within(1e-7));
            assertThat(ConfidenceInterval.clopperPearson(n, n, 0.95).upper()).isEqualTo(1.0);
        }
    }

    @Test
    void isSymmetricInSuccessesAndFailures() {
        for (int k = 0; k <= 20; k++) {
            ConfidenceInterval a = ConfidenceInterval.clopperPearson(k, 20, 0.9);
            ConfidenceInterval b = ConfidenceInterval.clopperPearson(20 - k, 20, 0.9);
            assertThat(a.lower()).as("k=%d", k).isCloseTo(1 - b.upper(), within(1e-9));
            assertThat(a.contains((double) k / 20)).isTrue();
        }
    }

    @Test
    void higherLevelIsWiderAndMoreTrialsNarrower() {
        ConfidenceInterval c95 = ConfidenceInterval.clopperPearson(30, 100, 0.95);
        ConfidenceInterval c99 = ConfidenceInterval.clopperPearson(30, 100, 0.99);
        assertThat(c99.lower()).isLessThan(c95.lower());
        assertThat(c99.upper()).isGreaterThan(c95.upper());
        ConfidenceInterval big = ConfidenceInterval.clopperPearson(300, 1000, 0.95);
        assertThat(big.upper() - big.lower()).isLessThan(c95.upper() - c95.lower());
    }

    @Test
    void rejectsBadArguments() {
        assertThatThrownBy(() -> ConfidenceInterval.clopperPearson(0, 0, 0.95))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 0");
        assertThatThrownBy(() -> ConfidenceInterval.clopperPearson(1, -5, 0.95))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got -5");
        assertThatThrownBy(() -> ConfidenceInterval.clopperPearson(-1, 10, 0.95))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 10]").hasMessageContaining("got -1");
        assertThatThrownBy(() -> ConfidenceInterval.clopperPearson(11, 10, 0.95))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 10]").hasMessageContaining("got 11");
        for (double level : new double[]{0.0, 1.0, -0.5, 1.5, Double.NaN}) {
            assertThatThrownBy(() -> ConfidenceInterval.clopperPearson(5, 10, level))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got " + level);
        }
        assertThatThrownBy(() -> new ConfidenceInterval(0.6, 0.4, 0.95))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0.6").hasMessageContaining("0.4");
        assertThatThrownBy(() -> new ConfidenceInterval(Double.NaN, 0.4, 0.95))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    @Test
    void containsIsInclusiveAndToStringHasThreeDecimals() {
        ConfidenceInterval ci = new ConfidenceInterval(0.25, 0.75, 0.95);
        assertThat(ci.contains(0.25)).isTrue();
        assertThat(ci.contains(0.75)).isTrue();
        assertThat(ci.contains(0.2499)).isFalse();
        assertThat(ci.contains(0.7501)).isFalse();
        assertThat(ConfidenceInterval.clopperPearson(5, 10, 0.95)).hasToString("[0.187, 0.813]");
    }
}
