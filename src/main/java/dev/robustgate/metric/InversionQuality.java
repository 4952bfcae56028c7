package dev.robustgate.metric;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * How much a model inversion revealed, for reconstructions {@code x_i} of target classes t_i:
 * the victim's confidence p_t(x_i), and whether x_i is closer (L2) to the mean training image of
 * its own class than to every other class's mean, with its Clopper-Pearson interval over the
 * reconstructions; and {@link #evaluatorAccuracy}, the share an independent classifier recognises.
 */
public record InversionQuality(String method, double[] confidence, int[] nearestMean, Proportion ownMeanNearest) {

    /** One reconstruction per class: image c targets class c. */
    public static InversionQuality of(String method, INDArray reconstructions, Classifier victim, Dataset train) {
        int k = victim.numClasses();
        if (reconstructions.size(0) != k) {
            throw new IllegalArgumentException("need one reconstruction per class (" + k + "), got " + reconstructions.size(0));
        }
        int[] targets = new int[k];
        for (int c = 0; c < k; c++) targets[c] = c;
        return of(method, reconstructions, targets, victim, train);
    }

    /** Any number of reconstructions, image i of class {@code targets[i]}. */
    public static InversionQuality of(String method, INDArray reconstructions, int[] targets, Classifier victim, Dataset train) {
        int n = requireTargets(reconstructions, targets, victim.numClasses());
        int k = victim.numClasses();
        INDArray means = classMeans(train);
        INDArray probs = victim.probabilities(reconstructions);
        INDArray flat = reconstructions.reshape(n, reconstructions.length() / n).castTo(DataType.FLOAT);
        double[] conf = new double[n];
        int[] nearest = new int[n];
        int own = 0;
        for (int i = 0; i < n; i++) {
            conf[i] = probs.getDouble(i, targets[i]);
            INDArray row = flat.getRow(i, true);
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double dist = row.distance2(means.getRow(j, true));
                if (dist < best) {
                    best = dist;
                    nearest[i] = j;
                }
            }
            if (nearest[i] == targets[i]) own++;
        }
        return new InversionQuality(method, conf, nearest, Proportion.of("reconstructions nearest their own class mean",
                victim.name(), method, own, n));
    }

    /**
     * The metric of the model-inversion literature (e.g. Zhang et al., CVPR 2020, "The secret
     * revealer"; Chen et al., ICCV 2021): the share of reconstructions that an <em>evaluation
     * classifier</em>, trained separately from the victim (other architecture or seed), assigns to
     * their target class. Scoring by the victim itself would reward adversarial noise that only the
     * victim reads as the class; a separate model must recognise the class's features.
     */
    public static Proportion evaluatorAccuracy(String method, INDArray reconstructions, int[] targets, String victimName,
                                               Classifier evaluator) {
        int n = requireTargets(reconstructions, targets, evaluator.numClasses());
        int[] predicted = dev.robustgate.model.Predictions.argMax(evaluator.probabilities(reconstructions));
        int hits = 0;
        for (int i = 0; i < n; i++) if (predicted[i] == targets[i]) hits++;
        return Proportion.of("reconstructions recognised by " + evaluator.name(), victimName, method, hits, n);
    }

    private static int requireTargets(INDArray reconstructions, int[] targets, int k) {
        int n = (int) reconstructions.size(0);
        if (targets.length != n) {
            throw new IllegalArgumentException("need one target class per reconstruction (" + n + "), got " + targets.length);
        }
        for (int t : targets) {
            if (t < 0 || t >= k) throw new IllegalArgumentException("target class " + t + " outside [0, " + (k - 1) + "]");
        }
        return n;
    }

    /** Mean image of each class [K, D]. */
    public static INDArray classMeans(Dataset data) {
        int k = data.numClasses();
        INDArray flat = data.features().reshape(data.size(), data.sampleLength()).castTo(DataType.FLOAT);
        INDArray sums = Nd4j.zeros(DataType.FLOAT, k, data.sampleLength());
        int[] counts = new int[k];
        for (int i = 0; i < data.size(); i++) {
            sums.getRow(data.label(i), true).addi(flat.getRow(i, true));
            counts[data.label(i)]++;
        }
        for (int c = 0; c < k; c++) if (counts[c] > 0) sums.getRow(c, true).divi(counts[c]);
        return sums;
    }

    public double meanConfidence() {
        return Arrays.stream(confidence).average().orElse(Double.NaN);
    }

    public double minConfidence() {
        return Arrays.stream(confidence).min().orElse(Double.NaN);
    }
}
