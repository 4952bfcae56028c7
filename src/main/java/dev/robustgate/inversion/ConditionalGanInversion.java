package dev.robustgate.inversion;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.Predictions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.Random;

/**
 * Model inversion with a conditional DCGAN trained on auxiliary data labelled by the victim's API
 * (the source material's attack, after Kusano and Sakuma 2018): the thief has unlabelled images
 * from roughly the victim's domain, asks the victim for their labels (black box, one counted query
 * an image), trains a conditional generator G(z, y) against a conditional discriminator D(x, y) on
 * them, and reads each class's reconstructions off the generator: of {@code candidates} samples
 * G(z, c), the ones the victim is most confident are class c (a second, counted round of queries).
 *
 * <p>Steps: {@link #label} the auxiliary images, {@link #train} the GAN ({@link DcganTraining}:
 * discriminator step, generator step; networks in {@link DcganNetworks}), {@link #select} the
 * samples. Sizes and optimiser settings: {@link DcganConfig#full} is the source material's,
 * {@link DcganConfig#ci} the CI-sized variant.
 *
 * <p>One change from the source material: its discriminator judged a fake together with the
 * victim's label <em>of that fake</em>, so nothing tied G(z, y) to y (its author reports that the
 * condition was hardly controlled). Here the discriminator sees a fake with the label it was drawn
 * for, as a conditional GAN does; this also spends no victim queries during training.
 */
public final class ConditionalGanInversion {
    private final DcganConfig config;

    /** Reconstructions [N, C, H, W] (image i of class i % K); queries spent labelling the auxiliary data and choosing samples. */
    public record Result(INDArray images, long labellingQueries, long selectionQueries, int[] auxLabelCounts) {}

    public ConditionalGanInversion(DcganConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
    }

    public DcganConfig config() { return config; }

    /** One reconstruction per class: the candidate the victim is most confident in. */
    public Result run(Classifier victimApi, Dataset auxiliary) {
        return run(victimApi, auxiliary, 1);
    }

    /**
     * {@code perClass} reconstructions of every class: the {@code perClass} of the class's
     * {@code candidates} samples the victim is most confident in, image i of class i % K (the
     * first K are one per class, the best of each).
     */
    public Result run(Classifier victimApi, Dataset auxiliary, int perClass) {
        if (perClass < 1 || perClass > config.candidates()) {
            throw new IllegalArgumentException("reconstructions per class must be in [1, " + config.candidates() + "], got " + perClass);
        }
        requireUsable(auxiliary);
        int k = victimApi.numClasses();
        long q0 = victimApi.counter().snapshot().forward();
        int[] labels = label(victimApi, auxiliary);
        long labelling = victimApi.counter().snapshot().forward() - q0;
        int[] counts = new int[k];
        for (int l : labels) counts[l]++;

        Random random = new Random(config.seed());
        DcganTraining gan = train(auxiliary, labels, k, random);

        long q1 = victimApi.counter().snapshot().forward();
        INDArray images = select(gan, victimApi, k, perClass, auxiliary.sampleShape());
        long selection = victimApi.counter().snapshot().forward() - q1;
        // A test seam (InversionSubstitution): the images themselves unless its system property is set.
        return new Result(InversionSubstitution.apply(images, () -> InversionSubstitution.blank(images.shape())),
                labelling, selection, counts);
    }

    /** The victim's top-1 label of every auxiliary image: one query each. */
    static int[] label(Classifier victimApi, Dataset auxiliary) {
        return Predictions.argMax(victimApi.probabilities(auxiliary.features()));
    }

    /** Epochs over the shuffled auxiliary images in full batches (a last partial batch is dropped). */
    DcganTraining train(Dataset auxiliary, int[] labels, int k, Random random) {
        DcganTraining gan = new DcganTraining(config, k, random);
        int n = auxiliary.size(), b = config.batchSize();
        INDArray real = auxiliary.features().reshape(n, 28 * 28).castTo(DataType.FLOAT);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int e = 0; e < config.epochs(); e++) {
            shuffle(order, random);
            for (int from = 0; from + b <= n; from += b) {
                int[] rows = Arrays.copyOfRange(order, from, from + b);
                int[] y = new int[b];
                for (int i = 0; i < b; i++) y[i] = labels[rows[i]];
                gan.iterate(Nd4j.pullRows(real, 1, rows).reshape(b, 1, 28, 28), Dataset.oneHot(y, k).castTo(DataType.FLOAT));
            }
        }
        return gan;
    }

    /** For each class, {@code candidates} samples (inference-mode BatchNorm), the victim's most confident first. */
    private INDArray select(DcganTraining gan, Classifier victimApi, int k, int perClass, long[] sampleShape) {
        int m = config.candidates();
        INDArray out = Nd4j.zeros(DataType.FLOAT, (long) k * perClass, 1, 28, 28);
        for (int c = 0; c < k; c++) {
            int[] cls = new int[m];
            Arrays.fill(cls, c);
            INDArray samples = gan.generate(gan.noise(m), Dataset.oneHot(cls, k).castTo(DataType.FLOAT), false);
            INDArray p = victimApi.probabilities(samples.reshape(shapeOf(m, sampleShape)));
            final int target = c;
            Integer[] byConfidence = new Integer[m];
            for (int i = 0; i < m; i++) byConfidence[i] = i;
            // Most confident first; ties keep the sampling order, so the choice is deterministic.
            Arrays.sort(byConfidence, (a, b) -> Double.compare(p.getDouble(b, target), p.getDouble(a, target)));
            for (int r = 0; r < perClass; r++) {
                out.get(org.nd4j.linalg.indexing.NDArrayIndex.point((long) r * k + c)).assign(
                        samples.get(org.nd4j.linalg.indexing.NDArrayIndex.point(byConfidence[r])));
            }
        }
        return out.reshape(shapeOf((long) k * perClass, sampleShape));
    }

    private static long[] shapeOf(long n, long[] sampleShape) {
        long[] s = new long[sampleShape.length + 1];
        s[0] = n;
        System.arraycopy(sampleShape, 0, s, 1, sampleShape.length);
        return s;
    }

    private void requireUsable(Dataset auxiliary) {
        if (auxiliary.sampleLength() != 28 * 28) {
            throw new IllegalArgumentException("the conditional DCGAN draws 1 x 28 x 28 images; the auxiliary data "
                    + auxiliary.name() + " has samples of shape " + Arrays.toString(auxiliary.sampleShape()));
        }
        if (auxiliary.size() < config.batchSize()) {
            throw new IllegalArgumentException("the conditional DCGAN's batch (" + config.batchSize() + ") is larger than the "
                    + auxiliary.size() + " auxiliary images: it would never train");
        }
    }

    private static void shuffle(int[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i]; a[i] = a[j]; a[j] = t;
        }
    }
}
