package dev.robustgate.metric;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.DifferentiableClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.Locale;

/**
 * How informative a model's input gradients are: per sample, the gradient of its own
 * cross-entropy at the clean input. A gradient that is exactly zero (a saturated softmax, a
 * gradient-zeroing layer) or not finite gives a gradient attack nothing to follow, so robust
 * accuracy measured with it says nothing. Costs one gradient evaluation per sample.
 */
public record GradientStatistics(String victim, int samples, int zero, int nonFinite, double medianL1Norm) {
    private static final int BATCH = 256;

    public static GradientStatistics of(DifferentiableClassifier model, Dataset data) {
        return ofNorms(model.name(), l1Norms(model, data));
    }

    /**
     * Per sample, the L1 norm of its input gradient at the clean input, NaN where the gradient is
     * not finite: what {@link #ofNorms} summarises, and what partitions of a dataset merge exactly.
     */
    public static double[] l1Norms(DifferentiableClassifier model, Dataset data) {
        int n = data.size();
        if (n == 0) throw new IllegalArgumentException("gradient statistics need at least one sample");
        double[] l1 = new double[n];
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            INDArray x = data.features().get(NDArrayIndex.interval(from, to));
            int[] labels = Arrays.copyOfRange(data.labels(), from, to);
            INDArray g = model.lossGradient(x, labels);
            double[][] rows = g.reshape(to - from, g.length() / (to - from)).toDoubleMatrix();
            for (int i = 0; i < rows.length; i++) {
                boolean finite = true;
                double sum = 0;
                for (double v : rows[i]) {
                    if (!Double.isFinite(v)) finite = false;
                    sum += Math.abs(v);
                }
                l1[from + i] = finite ? sum : Double.NaN;
            }
        }
        return l1;
    }

    /** The statistics of per-sample gradient L1 norms ({@link #l1Norms}: NaN for a non-finite gradient). */
    public static GradientStatistics ofNorms(String victim, double[] l1) {
        int n = l1.length;
        if (n == 0) throw new IllegalArgumentException("gradient statistics need at least one sample");
        int zero = 0;
        int nonFinite = 0;
        for (double v : l1) {
            if (Double.isNaN(v)) nonFinite++;
            else if (v == 0) zero++;
        }
        double[] finite = Arrays.stream(l1).filter(Double::isFinite).sorted().toArray();
        double median = finite.length == 0 ? Double.NaN : finite[finite.length / 2];
        return new GradientStatistics(victim, n, zero, nonFinite, median);
    }

    public Proportion zeroFraction() {
        return Proportion.of("zero input gradients", victim, "cross-entropy gradient at the clean input", zero, samples);
    }

    public Proportion nonFiniteFraction() {
        return Proportion.of("non-finite input gradients", victim, "cross-entropy gradient at the clean input", nonFinite, samples);
    }

    /** Samples whose gradient is zero or not finite: useless to a gradient attack. */
    public Proportion uselessFraction() {
        return Proportion.of("zero or non-finite input gradients", victim, "cross-entropy gradient at the clean input",
                zero + nonFinite, samples);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s: %d of %d input gradients zero, %d not finite, median L1 norm %.3g",
                victim, zero, samples, nonFinite, medianL1Norm);
    }
}
