package dev.robustgate.inversion;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.Predictions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.Arrays;
import java.util.Random;

/**
 * Model inversion with a conditional GAN trained on auxiliary data labelled by the victim's API:
 * the thief has unlabelled images from roughly the victim's domain, asks the victim for their
 * labels (black box, counted queries), trains a conditional generator G(z, y) on them, and reads
 * each class's reconstruction off the generator: of {@code candidates} samples G(z, c), the one the
 * victim is most confident is class c (a second, counted round of queries).
 *
 * <p>The networks are two-layer perceptrons (CPU-cheap; the source material's DCGAN is the
 * convolutional version of the same idea), trained with the non-saturating GAN loss and Adam
 * (beta1 0.5), the label fed to both networks as a one-hot vector.
 */
public final class ConditionalGanInversion {
    private final int epochs;
    private final int batchSize;
    private final int noiseDim;
    private final int hidden;
    private final int candidates;
    private final double learningRate;
    private final long seed;

    /** Reconstructions [N, C, H, W] (image i of class i % K); queries spent labelling the auxiliary data and choosing samples. */
    public record Result(INDArray images, long labellingQueries, long selectionQueries, int[] auxLabelCounts) {}

    public ConditionalGanInversion(int epochs, int batchSize, int noiseDim, int hidden, int candidates,
                                   double learningRate, long seed) {
        if (!(learningRate > 0) || !Double.isFinite(learningRate)) {
            throw new IllegalArgumentException("learning rate must be a finite number > 0, got " + learningRate);
        }
        if (epochs < 1 || batchSize < 1 || noiseDim < 1 || hidden < 1 || candidates < 1) {
            throw new IllegalArgumentException("epochs, batch size, noise dim, hidden units and candidates must all be >= 1, got "
                    + epochs + ", " + batchSize + ", " + noiseDim + ", " + hidden + ", " + candidates);
        }
        this.epochs = epochs;
        this.batchSize = batchSize;
        this.noiseDim = noiseDim;
        this.hidden = hidden;
        this.candidates = candidates;
        this.learningRate = learningRate;
        this.seed = seed;
    }

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
        if (perClass < 1 || perClass > candidates) {
            throw new IllegalArgumentException("reconstructions per class must be in [1, " + candidates + "], got " + perClass);
        }
        int k = victimApi.numClasses();
        int n = auxiliary.size();
        int d = (int) auxiliary.sampleLength();
        long q0 = victimApi.counter().snapshot().forward();
        int[] labels = Predictions.argMax(victimApi.probabilities(auxiliary.features()));
        long labelling = victimApi.counter().snapshot().forward() - q0;
        int[] counts = new int[k];
        for (int l : labels) counts[l]++;

        Random random = new Random(seed);
        Mlp2 g = new Mlp2(noiseDim + k, hidden, d, learningRate, 0.5, random);
        Mlp2 disc = new Mlp2(d + k, hidden, 1, learningRate, 0.5, random);
        INDArray real = auxiliary.features().reshape(n, d).castTo(DataType.FLOAT);
        INDArray[] gradsD = new INDArray[4], gradsG = new INDArray[4];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int e = 0; e < epochs; e++) {
            shuffle(order, random);
            for (int from = 0; from + batchSize <= n; from += batchSize) {
                int[] rows = Arrays.copyOfRange(order, from, from + batchSize);
                int[] y = new int[batchSize];
                for (int i = 0; i < batchSize; i++) y[i] = labels[rows[i]];
                INDArray yOneHot = Dataset.oneHot(y, k);
                INDArray xReal = Nd4j.pullRows(real, 1, rows);
                int[] yFake = new int[batchSize];
                for (int i = 0; i < batchSize; i++) yFake[i] = random.nextInt(k);
                INDArray fakeHot = Dataset.oneHot(yFake, k);
                INDArray xFake = generate(g, noise(batchSize, random), fakeHot);

                // Discriminator: real -> 1, fake -> 0 (BCE on logits: dL/dlogit = sigmoid - target).
                INDArray dReal = Transforms.sigmoid(disc.forward(Nd4j.hstack(xReal, yOneHot)), true).subi(1).divi(batchSize);
                INDArray[] gr = new INDArray[4];
                disc.backward(dReal, gr);
                INDArray dFake = Transforms.sigmoid(disc.forward(Nd4j.hstack(xFake, fakeHot)), true).divi(batchSize);
                disc.backward(dFake, gradsD);
                for (int i = 0; i < 4; i++) gradsD[i].addi(gr[i]);
                disc.adamStep(gradsD);

                // Generator: make the discriminator say 1 on fakes (non-saturating loss).
                INDArray z = noise(batchSize, random);
                INDArray pre = g.forward(Nd4j.hstack(z, fakeHot));
                INDArray img = Transforms.sigmoid(pre, true);
                INDArray dLogit = Transforms.sigmoid(disc.forward(Nd4j.hstack(img, fakeHot)), true).subi(1).divi(batchSize);
                INDArray dIn = disc.backward(dLogit, new INDArray[4]);
                INDArray dImg = dIn.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                        org.nd4j.linalg.indexing.NDArrayIndex.interval(0, d));
                INDArray dPre = dImg.mul(img.mul(img.rsub(1)));
                g.backward(dPre, gradsG);
                g.adamStep(gradsG);
            }
        }

        long[] shape = auxiliary.features().shape().clone();
        long q1 = victimApi.counter().snapshot().forward();
        INDArray out = Nd4j.zeros(DataType.FLOAT, k * perClass, d);
        for (int c = 0; c < k; c++) {
            int[] cls = new int[candidates];
            Arrays.fill(cls, c);
            INDArray samples = generate(g, noise(candidates, random), Dataset.oneHot(cls, k));
            shape[0] = candidates;
            INDArray p = victimApi.probabilities(samples.reshape(shape));
            final int target = c;
            Integer[] byConfidence = new Integer[candidates];
            for (int i = 0; i < candidates; i++) byConfidence[i] = i;
            // Most confident first; ties keep the sampling order, so the choice is deterministic.
            Arrays.sort(byConfidence, (a, b) -> Double.compare(p.getDouble(b, target), p.getDouble(a, target)));
            for (int r = 0; r < perClass; r++) out.getRow((long) r * k + c, true).assign(samples.getRow(byConfidence[r], true));
        }
        long selection = victimApi.counter().snapshot().forward() - q1;
        shape[0] = (long) k * perClass;
        INDArray images = out.reshape(shape);
        // A test seam (InversionSubstitution): the images themselves unless its system property is set.
        return new Result(InversionSubstitution.apply(images, () -> InversionSubstitution.blank(images.shape())),
                labelling, selection, counts);
    }

    private static INDArray generate(Mlp2 g, INDArray z, INDArray oneHot) {
        return Transforms.sigmoid(g.forward(Nd4j.hstack(z, oneHot)), true);
    }

    private INDArray noise(int n, Random random) {
        float[] z = new float[n * noiseDim];
        for (int i = 0; i < z.length; i++) z[i] = (float) random.nextGaussian();
        return Nd4j.create(z, new long[]{n, noiseDim}, 'c');
    }

    private static void shuffle(int[] a, Random r) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = r.nextInt(i + 1);
            int t = a[i]; a[i] = a[j]; a[j] = t;
        }
    }
}
