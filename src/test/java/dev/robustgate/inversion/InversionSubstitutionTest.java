package dev.robustgate.inversion;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The inverters' test seam: off by default; noop hands out the starts, noise seeded images in [0, 1]. */
class InversionSubstitutionTest {
    private static final INDArray IMAGES = Nd4j.ones(DataType.FLOAT, 3, 1, 2, 2);

    @AfterEach
    void clear() {
        System.clearProperty(InversionSubstitution.PROPERTY);
    }

    @Test
    void offByDefault() {
        assertThat(InversionSubstitution.active()).isFalse();
        assertThat(InversionSubstitution.apply(IMAGES, () -> { throw new AssertionError("starts asked for"); })).isSameAs(IMAGES);
    }

    @Test
    void noopHandsOutTheStarts() {
        System.setProperty(InversionSubstitution.PROPERTY, "noop");
        assertThat(InversionSubstitution.active()).isTrue();
        INDArray starts = Nd4j.zeros(DataType.FLOAT, 3, 4);
        INDArray out = InversionSubstitution.apply(IMAGES, () -> starts);
        assertThat(out.shape()).containsExactly(3, 1, 2, 2);
        assertThat(out.sumNumber().doubleValue()).isZero();
        INDArray blank = InversionSubstitution.blank(new long[]{2, 1, 2, 2});
        assertThat(blank.minNumber().floatValue()).isEqualTo(0.5f);
        assertThat(blank.maxNumber().floatValue()).isEqualTo(0.5f);
    }

    @Test
    void noiseIsSeededImagesInTheBox() {
        System.setProperty(InversionSubstitution.PROPERTY, "noise");
        INDArray a = InversionSubstitution.apply(IMAGES, () -> { throw new AssertionError("starts asked for"); });
        assertThat(a.shape()).containsExactly(3, 1, 2, 2);
        assertThat(a.minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
        assertThat(a.maxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
        assertThat(a.equalsWithEps(IMAGES, 1e-6)).isFalse();
        assertThat(InversionSubstitution.apply(IMAGES, () -> null)).isEqualTo(a);
        System.setProperty(InversionSubstitution.PROPERTY, "blur");
        assertThatThrownBy(() -> InversionSubstitution.apply(IMAGES, () -> null)).hasMessageContaining("must be noop or noise, got 'blur'");
    }
}
