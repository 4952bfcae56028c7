package dev.robustgate.metric;

import dev.robustgate.data.Dataset;
import dev.robustgate.model.DifferentiableClassifier;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.stat.descriptive.SummaryStatistics;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * The L2 norm of each sample's cross-entropy gradient with respect to its input, at its true
 * label: how much signal a gradient attack gets. A defense that drives it to (numerically) zero
 * starves FGSM and PGD without moving the decision boundary, which is gradient masking.
 *
 * <p>Statistics are over the samples the model classifies correctly, the ones an untargeted
 * attack has to move (misclassified samples are counted as successes without being attacked).
 * On a distilled model the two groups differ by orders of magnitude: confident correct samples
 * have saturated, vanishing gradients, wrong ones carry the T-fold logits into huge gradients,
 * so a mean over all samples would say nothing about what the attack sees.
 *
 * @param norms   one per sample, in the dataset's order
 * @param correct whether the model classified that sample correctly
 */
public record InputGradientNorms(String subject, double[] norms, boolean[] correct) {
    /** Below this an input gradient is zero for an attack: float32 noise, no usable sign. */
    public static final double VANISHING = 1e-8;
    private static final int BATCH = 500;

    public InputGradientNorms {
        if (norms.length != correct.length) {
            throw new IllegalArgumentException(norms.length + " norms but " + correct.length + " correctness flags");
        }
    }

    /** Costs one gradient and one forward evaluation per sample. */
    public static InputGradientNorms of(DifferentiableClassifier model, Dataset data) {
        double[] norms = new double[data.size()];
        boolean[] correct = new boolean[data.size()];
        int[] labels = data.labels();
        for (int from = 0; from < data.size(); from += BATCH) {
            int to = Math.min(data.size(), from + BATCH);
            INDArray x = data.features().get(NDArrayIndex.interval(from, to));
            INDArray g = model.lossGradient(x, Arrays.copyOfRange(labels, from, to));
            INDArray perSample = g.reshape(to - from, g.length() / (to - from)).norm2(1);
            int[] predicted = model.predict(x);
            for (int i = from; i < to; i++) {
                norms[i] = perSample.getDouble(i - from);
                correct[i] = predicted[i - from] == labels[i];
            }
        }
        return new InputGradientNorms(model.name(), norms, correct);
    }

    /** Number of correctly classified samples, the statistics' denominator. */
    public int samples() {
        return (int) IntStream.range(0, norms.length).filter(i -> correct[i]).count();
    }

    public double mean() {
        return stats().getMean();
    }

    /** The median over correctly classified samples: what a typical attacked sample offers the attack. */
    public double median() {
        double[] v = IntStream.range(0, norms.length).filter(i -> correct[i]).mapToDouble(i -> norms[i]).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /** Student-t interval for the mean at {@code level} (n is in the hundreds here, where the CLT holds). */
    public double[] meanInterval(double level) {
        SummaryStatistics s = stats();
        long n = s.getN();
        if (n < 2) return new double[]{s.getMean(), s.getMean()};
        double t = new TDistribution(null, n - 1).inverseCumulativeProbability(1 - (1 - level) / 2);
        double half = t * s.getStandardDeviation() / Math.sqrt(n);
        return new double[]{Math.max(0, s.getMean() - half), s.getMean() + half};
    }

    /** Correctly classified samples whose gradient is below {@link #VANISHING}: the ones FGSM cannot move at all. */
    public Proportion vanished() {
        long k = IntStream.range(0, norms.length).filter(i -> correct[i] && norms[i] < VANISHING).count();
        return Proportion.of("vanishing input gradients (L2 < " + VANISHING + ")", subject, "", k, Math.max(1, samples()));
    }

    public String summary() {
        double[] ci = meanInterval(ConfidenceInterval.DEFAULT_LEVEL);
        return String.format(Locale.ROOT,
                "input-gradient L2 norm of %s over its %d correctly classified samples: mean %.3g [%.3g, %.3g], median %.3g",
                subject, samples(), mean(), ci[0], ci[1], median());
    }

    private SummaryStatistics stats() {
        SummaryStatistics s = new SummaryStatistics();
        for (int i = 0; i < norms.length; i++) if (correct[i]) s.addValue(norms[i]);
        return s;
    }
}
