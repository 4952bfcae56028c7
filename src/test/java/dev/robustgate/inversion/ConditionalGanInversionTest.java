package dev.robustgate.inversion;

import dev.robustgate.data.Dataset;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.model.Dl4jClassifier;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The conditional DCGAN's steps on a tiny configuration; MnistInversionSpec measures what it reaches. */
class ConditionalGanInversionTest {
    /** Base 2 channels, label dense 8, z of 4, batches of 8, 64 candidates: seconds, not minutes. */
    private static DcganConfig tiny(int epochs, long seed) {
        return new DcganConfig(4, 8, 2, 8, epochs, 4e-4, 0.0, 1e-3, 0.5, 2, 3, 16, seed);
    }

    private static final Dl4jClassifier VICTIM = TestModels.untrained("mlp-256", 3);   // 10 classes, 1 x 28 x 28

    private static Dataset aux(int n) {
        return TestModels.synthetic(new long[]{n, 1, 28, 28}, 10, 11);
    }

    @Test
    void runsSeededAndCountsItsQueries() {
        Dataset aux = aux(24);
        long before = VICTIM.counter().snapshot().forward();

        ConditionalGanInversion.Result a = new ConditionalGanInversion(tiny(2, 5)).run(VICTIM, aux, 3);

        assertThat(a.images().shape()).containsExactly(30, 1, 28, 28);
        assertThat(a.images().minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
        assertThat(a.images().maxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
        assertThat(a.labellingQueries()).isEqualTo(24);            // one per auxiliary image, none while training
        assertThat(a.selectionQueries()).isEqualTo(10 * 16);       // candidates per class
        assertThat(VICTIM.counter().snapshot().forward() - before).isEqualTo(24 + 160);
        assertThat(java.util.Arrays.stream(a.auxLabelCounts()).sum()).isEqualTo(24);

        ConditionalGanInversion.Result b = new ConditionalGanInversion(tiny(2, 5)).run(VICTIM, aux, 3);
        ConditionalGanInversion.Result c = new ConditionalGanInversion(tiny(2, 6)).run(VICTIM, aux, 3);
        assertThat(b.images()).isEqualTo(a.images());
        assertThat(c.images()).isNotEqualTo(a.images());
    }

    @Test
    void generatorStepsAgainstAFixedDiscriminatorRaiseItsScoreAndLeaveItUnchanged() {
        // Generator step 1e-2 so that 30 steps move a network this small visibly.
        DcganTraining gan = new DcganTraining(new DcganConfig(4, 8, 2, 8, 1, 4e-4, 0.0, 1e-2, 0.5, 2, 3, 16, 7), 10, new Random(7));
        INDArray y = Dataset.oneHot(new int[]{0, 1, 2, 3, 4, 5, 6, 7}, 10).castTo(DataType.FLOAT);
        INDArray z = gan.noise(8);
        INDArray dWeights = gan.discriminatorParams().dup();
        double before = gan.discriminate(gan.generate(z, y, true), y).meanNumber().doubleValue();

        for (int i = 0; i < 30; i++) gan.generatorStep(y);

        double after = gan.discriminate(gan.generate(z, y, true), y).meanNumber().doubleValue();
        assertThat(gan.discriminatorParams()).isEqualTo(dWeights);
        assertThat(after).as("D(G(z)) after 30 generator steps, from %.4f", before).isGreaterThan(before + 0.1);
        assertThat(gan.generatorSteps()).isEqualTo(30);
    }

    @Test
    void discriminatorStepsSeparateRealFromFakeAndLeaveTheGeneratorUnchanged() {
        // No noisy real targets: this test steps the discriminator alone.
        DcganTraining gan = new DcganTraining(new DcganConfig(4, 8, 2, 8, 1, 4e-4, 0.0, 1e-3, 0.5, 2, 0, 16, 8), 10, new Random(8));
        INDArray y = Dataset.oneHot(new int[]{0, 1, 2, 3, 4, 5, 6, 7}, 10).castTo(DataType.FLOAT);
        INDArray real = aux(8).features().castTo(DataType.FLOAT);
        INDArray fake = gan.generate(gan.noise(8), y, true);
        INDArray gWeights = gan.generatorParams().dup();

        double gap0 = gan.discriminate(real, y).meanNumber().doubleValue() - gan.discriminate(fake, y).meanNumber().doubleValue();
        for (int i = 0; i < 30; i++) gan.discriminatorStep(real, y, fake);
        double gap = gan.discriminate(real, y).meanNumber().doubleValue() - gan.discriminate(fake, y).meanNumber().doubleValue();

        assertThat(gan.generatorParams()).isEqualTo(gWeights);
        assertThat(gap).as("D(real) - D(fake), from %.4f", gap0).isGreaterThan(Math.max(gap0, 0) + 0.2);
        assertThat(gan.discriminatorSteps()).isEqualTo(30);
    }

    @Test
    void badSettingsNameTheirRange() {
        assertThatThrownBy(() -> tiny(-1, 0)).hasMessageContaining("epochs and noisy-real iterations must be >= 0, got -1");
        assertThatThrownBy(() -> new DcganConfig(4, 8, 2, 1, 1, 4e-4, 0, 1e-3, 0.5, 2, 3, 16, 0)).hasMessageContaining("batch size >= 2");
        assertThatThrownBy(() -> new DcganConfig(0, 8, 2, 8, 1, 4e-4, 0, 1e-3, 0.5, 2, 3, 16, 0)).hasMessageContaining(">= 1");
        assertThatThrownBy(() -> new DcganConfig(4, 8, 2, 8, 1, 0, 0, 1e-3, 0.5, 2, 3, 16, 0)).hasMessageContaining("learning rate");
        assertThatThrownBy(() -> new DcganConfig(4, 8, 2, 8, 1, 4e-4, 1, 1e-3, 0.5, 2, 3, 16, 0)).hasMessageContaining("beta1 must be in [0, 1), got 1.0");
        ConditionalGanInversion gan = new ConditionalGanInversion(tiny(1, 0));
        assertThatThrownBy(() -> gan.run(VICTIM, aux(24), 17)).hasMessageContaining("reconstructions per class must be in [1, 16], got 17");
        assertThatThrownBy(() -> gan.run(VICTIM, aux(5), 1)).hasMessageContaining("batch (8) is larger than the 5 auxiliary images");
        Dataset small = TestModels.synthetic(new long[]{24, 1, 8, 8}, 10, 1);
        assertThatThrownBy(() -> gan.run(VICTIM, small, 1)).hasMessageContaining("draws 1 x 28 x 28 images");
    }

    @Test
    void sizesFollowTheSourceMaterial() {
        DcganConfig full = DcganConfig.full(1);
        assertThat(new int[]{full.noiseDim(), full.labelUnits(), full.base(), full.batchSize(), full.epochs()})
                .containsExactly(100, 1000, 32, 200, 150);
        assertThat(new double[]{full.discriminatorLr(), full.discriminatorBeta1(), full.generatorLr(), full.generatorBeta1()})
                .containsExactly(4e-4, 0.0, 1e-3, 0.5);   // G: 1e-3, not the seed's 1e-4 (DcganConfig.full)
        DcganConfig ci = DcganConfig.ci(10, 1);
        assertThat(ci.base()).isLessThan(full.base());
        // Parameters: the full discriminator's concatenation dense layer alone is (32·14·14 + 1000) x 32·14·14.
        assertThat(DcganNetworks.discriminator(ci, 10).numParams()).isLessThan(DcganNetworks.discriminator(full, 10).numParams() / 10);
    }
}
