package dev.robustgate.extraction;

import dev.robustgate.TestSeam;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The thieves' test seam: off by default, a clear error for an unknown value, seeded random labels. */
class TheftSubstitutionTest {
    @AfterEach
    void clear() {
        System.clearProperty(TheftSubstitution.PROPERTY);
    }

    @Test
    void offUnlessThePropertyNamesASubstitute() {
        assertThat(TheftSubstitution.mode()).isEqualTo(TestSeam.Substitute.NONE);
        System.setProperty(TheftSubstitution.PROPERTY, " NoOp ");
        assertThat(TheftSubstitution.mode()).isEqualTo(TestSeam.Substitute.NOOP);
        System.setProperty(TheftSubstitution.PROPERTY, "noise");
        assertThat(TheftSubstitution.mode()).isEqualTo(TestSeam.Substitute.NOISE);
        System.setProperty(TheftSubstitution.PROPERTY, "zero");
        assertThatThrownBy(TheftSubstitution::mode).hasMessageContaining("must be noop or noise, got 'zero'");
        // The attack runner's property: one switch breaks every attack.
        assertThat(TheftSubstitution.PROPERTY).isEqualTo("robustgate.test.attack-substitute");
    }

    @Test
    void randomLabelsAreOneHotSeededPerQueryAndSpreadOverTheClasses() {
        INDArray y = TheftSubstitution.randomOneHot(500, 10, 7, 0);
        float[][] rows = y.toFloatMatrix();
        int[] counts = new int[10];
        for (float[] row : rows) {
            int ones = 0;
            for (int c = 0; c < 10; c++) if (row[c] == 1f) { ones++; counts[c]++; } else assertThat(row[c]).isZero();
            assertThat(ones).isEqualTo(1);
        }
        for (int c = 0; c < 10; c++) assertThat(counts[c]).as("class %d", c).isBetween(25, 75);
        // Query 100's label is the same whether drawn in one batch or from offset 100.
        assertThat(TheftSubstitution.randomOneHot(5, 10, 7, 100).toFloatMatrix()[0]).containsExactly(rows[100]);
        assertThat(TheftSubstitution.randomOneHot(500, 10, 8, 0).toFloatMatrix()).isNotEqualTo(rows);
    }

    @Test
    void randomProbabilitiesArePositiveAndSumToOne() {
        double[][] p = TheftSubstitution.randomProbabilities(20, 4, 3);
        for (double[] row : p) {
            double sum = 0;
            for (double v : row) {
                assertThat(v).isGreaterThan(0);
                sum += v;
            }
            assertThat(sum).isCloseTo(1.0, within(1e-12));
        }
        assertThat(TheftSubstitution.randomProbabilities(20, 4, 3)).isDeepEqualTo(p);
        assertThat(p[0]).isNotEqualTo(p[1]);
    }
}
