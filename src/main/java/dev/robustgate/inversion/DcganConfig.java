package dev.robustgate.inversion;

/**
 * Sizes and optimiser settings of the conditional DCGAN that {@link ConditionalGanInversion} trains.
 *
 * <p>Generator: noise z ({@code noiseDim}) -> dense to {@code base} x 4 x 4, BatchNorm, ReLU; the
 * one-hot label -> dense {@code labelUnits}, ReLU; both concatenated -> dense to {@code base} x 4 x 4
 * -> transposed convolutions to 4·base x 7 x 7, 2·base x 14 x 14 (each BatchNorm, ReLU) and 1 x 28 x 28
 * (sigmoid). Discriminator: image -> conv to base x 14 x 14, LeakyReLU(0.2); the label -> dense
 * {@code labelUnits}, ReLU; both concatenated -> dense to base x 14 x 14 -> convs to 2·base x 7 x 7,
 * 4·base x 3 x 3 (BatchNorm, LeakyReLU(0.2)) and one logit. Loss: binary cross-entropy on the
 * logit; the generator's is the non-saturating one (fakes labelled real).
 *
 * @param noiseDim             length of z
 * @param labelUnits           width of the label's dense layer in both networks
 * @param base                 base channel count (the widths above)
 * @param batchSize            images per step
 * @param epochs               passes over the auxiliary images; 0 leaves the generator at its initial
 *                             weights (a control: what the selection alone reaches)
 * @param discriminatorLr      Adam step of the discriminator
 * @param discriminatorBeta1   Adam beta1 of the discriminator (beta2 0.9 for both)
 * @param generatorLr          Adam step of the generator
 * @param generatorBeta1       Adam beta1 of the generator
 * @param discriminatorEvery   the discriminator steps on every n-th iteration only (the generator on all)
 * @param noisyRealIterations  for the first n iterations the discriminator's targets for real images are U(0, 1)
 * @param candidates           samples drawn per class, of which the victim's most confident are kept
 * @param seed                 initial weights, noise, shuffling
 */
public record DcganConfig(int noiseDim, int labelUnits, int base, int batchSize, int epochs,
                          double discriminatorLr, double discriminatorBeta1, double generatorLr, double generatorBeta1,
                          int discriminatorEvery, int noisyRealIterations, int candidates, long seed) {

    /** Adam's beta2 for both networks, as in the source material. */
    public static final double BETA2 = 0.9;

    public DcganConfig {
        if (noiseDim < 1 || labelUnits < 1 || base < 1 || batchSize < 2 || discriminatorEvery < 1 || candidates < 1) {
            throw new IllegalArgumentException("noise dim, label units, base channels, discriminator period and candidates must "
                    + "be >= 1 and the batch size >= 2 (BatchNorm), got " + noiseDim + ", " + labelUnits + ", " + base + ", "
                    + discriminatorEvery + ", " + candidates + ", " + batchSize);
        }
        if (epochs < 0 || noisyRealIterations < 0) {
            throw new IllegalArgumentException("epochs and noisy-real iterations must be >= 0, got " + epochs + ", " + noisyRealIterations);
        }
        for (double lr : new double[]{discriminatorLr, generatorLr}) {
            if (!(lr > 0) || !Double.isFinite(lr)) {
                throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + lr);
            }
        }
        for (double b : new double[]{discriminatorBeta1, generatorBeta1}) {
            if (!(b >= 0 && b < 1)) throw new IllegalArgumentException("Adam beta1 must be in [0, 1), got " + b);
        }
    }

    /**
     * The source material's size (seed 003, a PyTorch conditional DCGAN on MNIST): z of 100, label
     * dense 1000, base 32 channels, batch 200, 150 epochs; Adam 4e-4 (0.0, 0.9) for the
     * discriminator, which steps on every second iteration, random real targets for the first 50
     * iterations; 64 candidates per class. One change: the generator's Adam step is 1e-3 (beta1 0.5,
     * as the seed's), not the seed's 1e-4. The seed had 10,000 auxiliary digits (7,500 iterations in
     * 150 epochs), mnist's held-out split has 1,996 (1,350); at 1e-4 the CI-sized networks
     * recognised 5/100 after 1,364 iterations and 13/100 after 930, at 1e-3 93-97/100 after 620
     * (measured 2026-11-30, notes/s2-gan.md). So CI and full differ only in size.
     */
    public static DcganConfig full(long seed) {
        return new DcganConfig(100, 1000, 32, 200, 150, 4e-4, 0.0, GENERATOR_LR, 0.5, 2, 50, 64, seed);
    }

    /**
     * CI-sized: the same architecture, optimiser and schedule at a quarter of the widths (base 8
     * channels, label dense 128, z of 32) and batches of 32, so that it trains in about a minute on 2
     * cores (10 epochs = 620 iterations in MnistInversionSpec, with its measured numbers).
     */
    public static DcganConfig ci(int epochs, long seed) {
        return new DcganConfig(32, 128, 8, 32, epochs, 4e-4, 0.0, GENERATOR_LR, 0.5, 2, 50, 64, seed);
    }

    /** The generator's Adam step; see {@link #full} for why not the source material's 1e-4. */
    public static final double GENERATOR_LR = 1e-3;

    public DcganConfig withEpochs(int n) {
        return new DcganConfig(noiseDim, labelUnits, base, batchSize, n, discriminatorLr, discriminatorBeta1, generatorLr,
                generatorBeta1, discriminatorEvery, noisyRealIterations, candidates, seed);
    }

    public DcganConfig withLearningRates(double discriminator, double generator) {
        return new DcganConfig(noiseDim, labelUnits, base, batchSize, epochs, discriminator, discriminatorBeta1, generator,
                generatorBeta1, discriminatorEvery, noisyRealIterations, candidates, seed);
    }
}
