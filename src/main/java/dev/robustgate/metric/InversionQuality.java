package dev.robustgate.metric;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;

/**
 * How much a model inversion revealed, for reconstructions {@code x_c} of every class c:
 * the victim's confidence p_c(x_c), and whether x_c is closer (L2) to the mean training image of
 * its own class than to every other class's mean. The share of such classes is the headline
 * number, with its Clopper-Pearson interval over the K classes.
 */
public record InversionQuality(String method, double[] confidence, int[] nearestMean, Proportion ownMeanNearest) {

    public static InversionQuality of(String method, INDArray reconstructions, Classifier victim, Dataset train) {
        int k = victim.numClasses();
        if (reconstructions.size(0) != k) {
            throw new IllegalArgumentException("need one reconstruction per class (" + k + "), got " + reconstructions.size(0));
        }
        INDArray means = classMeans(train);
        INDArray probs = victim.probabilities(reconstructions);
        INDArray flat = reconstructions.reshape(k, reconstructions.length() / k).castTo(DataType.FLOAT);
        double[] conf = new double[k];
        int[] nearest = new int[k];
        int own = 0;
        for (int c = 0; c < k; c++) {
            conf[c] = probs.getDouble(c, c);
            INDArray row = flat.getRow(c, true);
            double best = Double.POSITIVE_INFINITY;
            for (int j = 0; j < k; j++) {
                double dist = row.distance2(means.getRow(j, true));
                if (dist < best) {
                    best = dist;
                    nearest[c] = j;
                }
            }
            if (nearest[c] == c) own++;
        }
        return new InversionQuality(method, conf, nearest, Proportion.of("reconstructions nearest their own class mean",
                victim.name(), method, own, k));
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
