package dev.robustgate.attack;

import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Per-sample outcome of one attack at one eps. {@code success[i]} means the attack reached its
 * goal on sample i (misclassification, or the target class). Samples the model already gets
 * wrong are not attacked: they come back unchanged at zero cost, count as successes when
 * untargeted, and as successes of a targeted attack only if the model already says the target.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
public final class EpsResult {
    private final double eps;
    private final String description;
    private final INDArray adversarial;
    private final int[] labels;
    private final int[] cleanPredictions;
    private final int[] targets;
    private final int[] predictions;
    private final boolean[] success;
    private final double[] distances;
    private final int[] gradientEvaluations;
    private final long forwardEvaluations;
    private final double seconds;

    EpsResult(double eps, String description, INDArray adversarial, int[] labels, int[] cleanPredictions, int[] targets,
              int[] predictions, boolean[] success, double[] distances, int[] gradientEvaluations,
              long forwardEvaluations, double seconds) {
        this.eps = eps;
        this.description = description;
        this.adversarial = adversarial;
        this.labels = labels;
        this.cleanPredictions = cleanPredictions;
        this.targets = targets;
        this.predictions = predictions;
        this.success = success;
        this.distances = distances;
        this.gradientEvaluations = gradientEvaluations;
        this.forwardEvaluations = forwardEvaluations;
        this.seconds = seconds;
    }

    public double eps() { return eps; }
    /** The attack with its parameters at this eps, e.g. "PGD-Linf(eps=0.1, 40x0.01, random start, seed 7)". */
    public String description() { return description; }
    /** Adversarial inputs, shaped like the evaluated dataset's features. Do not modify. */
    public INDArray adversarial() { return adversarial; }
    public int size() { return labels.length; }
    public double seconds() { return seconds; }
    public int[] predictions() { return predictions.clone(); }
    public int[] labels() { return labels.clone(); }
    public boolean success(int i) { return success[i]; }
    public double distance(int i) { return distances[i]; }

    public SampleResult sample(int i) {
        return new SampleResult(i, labels[i], cleanPredictions[i], predictions[i],
                targets == null ? null : targets[i], success[i], distances[i], gradientEvaluations[i]);
    }

    /** Samples still classified correctly under attack. */
    public int robustCount() {
        int k = 0;
        for (int i = 0; i < labels.length; i++) if (predictions[i] == labels[i]) k++;
        return k;
    }

    /** Samples the model classified correctly before the attack: the success rate's denominator. */
    public int cleanCorrectCount() {
        int k = 0;
        for (int i = 0; i < labels.length; i++) if (cleanPredictions[i] == labels[i]) k++;
        return k;
    }

    /** Successes among samples that were clean-correct. */
    public int successOnCleanCorrect() {
        int k = 0;
        for (int i = 0; i < labels.length; i++) if (cleanPredictions[i] == labels[i] && success[i]) k++;
        return k;
    }

    public long gradientEvaluations() {
        long s = 0;
        for (int g : gradientEvaluations) s += g;
        return s;
    }

    /** Forward evaluations (samples) this eps costs run alone: the clean pass plus the attack's own. */
    public long forwardEvaluations() {
        return forwardEvaluations;
    }

    public double maxDistance() {
        double m = 0;
        for (double d : distances) m = Math.max(m, d);
        return m;
    }

    /** Distance in any norm (not only the attack's), e.g. to check an L2 attack's Linf size. */
    public double maxDistance(Norm norm, INDArray clean) {
        long n = labels.length;
        INDArray delta = adversarial.reshape(n, adversarial.length() / n).sub(clean.reshape(n, clean.length() / n));
        double m = 0;
        for (double d : norm.rowNorms(delta)) m = Math.max(m, d);
        return m;
    }

    /**
     * Builds a result at one eps for attacks that do not run through {@link AttackRunner} (ensembles,
     * attacks on other engines). Every per-sample array is required and must have one entry per
     * sample; {@code targets} may stay null (untargeted). Distances are measured here, in
     * {@code norm}, against {@code clean}, so no caller can report a distance it did not reach.
     */
    public static Builder builder(double eps, String description, Norm norm) {
        return new Builder(eps, description, norm);
    }

    @API(status = API.Status.EXPERIMENTAL, since = "0.13")
    public static final class Builder {
        private final double eps;
        private final String description;
        private final Norm norm;
        private INDArray clean, adversarial;
        private int[] labels, cleanPredictions, targets, predictions, gradientEvaluations;
        private boolean[] success;
        private long forwardEvaluations;
        private double seconds;

        private Builder(double eps, String description, Norm norm) {
            AttackSettings.requireValidEps(eps);
            if (description == null || norm == null) throw new IllegalArgumentException("description and norm are required");
            this.eps = eps;
            this.description = description;
            this.norm = norm;
        }

        /** Clean inputs and adversarials, both shaped like the dataset's features. */
        public Builder inputs(INDArray clean, INDArray adversarial) { this.clean = clean; this.adversarial = adversarial; return this; }
        public Builder labels(int[] labels, int[] cleanPredictions) { this.labels = labels.clone(); this.cleanPredictions = cleanPredictions.clone(); return this; }
        public Builder targets(int[] targets) { this.targets = targets == null ? null : targets.clone(); return this; }
        public Builder outcome(int[] predictions, boolean[] success) { this.predictions = predictions.clone(); this.success = success.clone(); return this; }
        public Builder cost(int[] gradientEvaluations, long forwardEvaluations, double seconds) {
            this.gradientEvaluations = gradientEvaluations.clone();
            this.forwardEvaluations = forwardEvaluations;
            this.seconds = seconds;
            return this;
        }

        public EpsResult build() {
            if (clean == null || adversarial == null || labels == null || predictions == null || gradientEvaluations == null) {
                throw new IllegalStateException("inputs, labels, outcome and cost are required for " + description);
            }
            int n = (int) clean.size(0);
            if (!java.util.Arrays.equals(clean.shape(), adversarial.shape()) || labels.length != n
                    || cleanPredictions.length != n || predictions.length != n || success.length != n
                    || gradientEvaluations.length != n || (targets != null && targets.length != n)) {
                throw new IllegalArgumentException(description + ": per-sample arrays and inputs must all have " + n + " samples");
            }
            long d = clean.length() / n;
            double[] dist = norm.rowNorms(adversarial.reshape(n, d).castTo(DataType.FLOAT).sub(clean.reshape(n, d).castTo(DataType.FLOAT)));
            return new EpsResult(eps, description, adversarial, labels, cleanPredictions, targets, predictions, success, dist,
                    gradientEvaluations, forwardEvaluations, seconds);
        }
    }
}
