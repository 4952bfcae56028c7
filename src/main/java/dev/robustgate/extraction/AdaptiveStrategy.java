package dev.robustgate.extraction;

import dev.robustgate.data.Dataset;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The adaptive strategy of Knockoff Nets: a gradient bandit whose arms are the classes of an
 * auxiliary pool (its own labels, which the thief has; the victim's are never seen). Each round
 * draws a batch from one arm and rewards the arm by what the victim's answers taught:
 * <ul>
 *   <li>certainty: the margin between the victim's top two probabilities;</li>
 *   <li>diversity: how far the answers' classes exceed their running mean (rarely seen classes pay);</li>
 *   <li>loss: the knockoff's cross-entropy against the victim (where the copy is still wrong).</li>
 * </ul>
 * Each reward is standardised by its own running mean and deviation before they are summed, so no
 * term dominates by scale; preferences move by {@code stepSize * (r - mean r)} as in Sutton-Barto.
 */
public final class AdaptiveStrategy implements QueryStrategy {
    private final Dataset pool;
    private final int[][] byArm;
    private final double stepSize;
    private final SplittableRandom random;
    private final long seed;
    private final double[] preference;
    private final int[] pulls;
    private final List<Integer> history = new ArrayList<>();
    private final Running certainty = new Running();
    private final Running diversity = new Running();
    private final Running loss = new Running();
    private final Running reward = new Running();
    private double[] meanAnswer;
    private long answers;
    private int lastArm = -1;

    public AdaptiveStrategy(Dataset pool, double stepSize, long seed) {
        if (pool == null || pool.size() == 0) throw new IllegalArgumentException("adaptive pool must not be empty");
        if (!(stepSize > 0) || !Double.isFinite(stepSize)) {
            throw new IllegalArgumentException("bandit step size must be a finite number > 0, got " + stepSize);
        }
        this.pool = pool;
        this.stepSize = stepSize;
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        int k = pool.numClasses();
        List<List<Integer>> arms = new ArrayList<>();
        for (int a = 0; a < k; a++) arms.add(new ArrayList<>());
        for (int i = 0; i < pool.size(); i++) arms.get(pool.label(i)).add(i);
        this.byArm = arms.stream().map(l -> l.stream().mapToInt(Integer::intValue).toArray()).toArray(int[][]::new);
        this.preference = new double[k];
        this.pulls = new int[k];
    }

    @Override
    public String describe() {
        return "adaptive(bandit over " + pool.name() + " classes, step " + stepSize + ", seed " + seed + ")";
    }

    @Override public boolean adaptive() { return true; }

    /** The policy's current probability of each arm. */
    public double[] policy() {
        double max = Arrays.stream(preference).max().orElse(0);
        double[] p = new double[preference.length];
        double sum = 0;
        for (int a = 0; a < p.length; a++) {
            p[a] = byArm[a].length == 0 ? 0 : Math.exp(preference[a] - max);
            sum += p[a];
        }
        for (int a = 0; a < p.length; a++) p[a] /= sum;
        return p;
    }

    /** How often each arm (pool class) was drawn. */
    public int[] pulls() { return pulls.clone(); }

    /** The arm of every round, in order. */
    public List<Integer> history() { return List.copyOf(history); }

    @Override
    public INDArray next(int n) {
        if (n < 1) throw new IllegalArgumentException("batch size must be >= 1, got " + n);
        double[] p = policy();
        double u = random.nextDouble();
        int arm = 0;
        for (double acc = p[0]; acc < u && arm < p.length - 1; acc += p[++arm]) {
            // walks the cumulative distribution
        }
        while (byArm[arm].length == 0) arm = (arm + 1) % byArm.length;
        lastArm = arm;
        pulls[arm]++;
        history.add(arm);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) idx[i] = byArm[arm][random.nextInt(byArm[arm].length)];
        INDArray flat = pool.features().reshape(pool.size(), pool.sampleLength());
        long[] shape = pool.features().shape().clone();
        shape[0] = n;
        return Nd4j.pullRows(flat, 1, idx).reshape(shape).castTo(DataType.FLOAT);
    }

    @Override
    public void observe(INDArray victimAnswers, INDArray knockoffAnswers) {
        if (lastArm < 0) throw new IllegalStateException("observe() before next()");
        double[][] y = victimAnswers.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[][] q = knockoffAnswers.castTo(DataType.DOUBLE).toDoubleMatrix();
        int k = y[0].length;
        if (meanAnswer == null) meanAnswer = new double[k];
        double c = 0, d = 0, l = 0;
        for (int i = 0; i < y.length; i++) {
            double[] s = y[i].clone();
            Arrays.sort(s);
            c += s[k - 1] - s[k - 2];
            for (int j = 0; j < k; j++) {
                d += Math.max(0, y[i][j] - meanAnswer[j]);
                l -= y[i][j] * Math.log(Math.max(1e-12, q[i][j]));
            }
        }
        for (double[] row : y) {
            answers++;
            for (int j = 0; j < k; j++) meanAnswer[j] += (row[j] - meanAnswer[j]) / answers;
        }
        int n = y.length;
        double r = certainty.standardise(c / n) + diversity.standardise(d / n) + loss.standardise(l / n);
        double baseline = reward.mean;
        reward.add(r);
        double[] p = policy();
        for (int a = 0; a < preference.length; a++) {
            double grad = (a == lastArm ? 1 - p[a] : -p[a]);
            preference[a] += stepSize * (r - baseline) * grad;
        }
    }

    /** Welford's running mean and variance. */
    private static final class Running {
        long n;
        double mean;
        double m2;

        void add(double x) {
            n++;
            double delta = x - mean;
            mean += delta / n;
            m2 += delta * (x - mean);
        }

        /** x standardised by the values seen before it, then added; 0 while there is no spread yet. */
        double standardise(double x) {
            double sd = n > 1 ? Math.sqrt(m2 / (n - 1)) : 0;
            double z = sd > 1e-12 ? (x - mean) / sd : 0;
            add(x);
            return z;
        }
    }
}
