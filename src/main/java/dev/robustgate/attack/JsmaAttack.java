package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.event.AttackStep;
import dev.robustgate.event.EventBus;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.Predictions;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * JSMA, the Jacobian-based saliency map attack (Papernot et al. 2016, "The Limitations of Deep
 * Learning in Adversarial Settings"): a targeted L0 attack that changes few features by much. Each
 * iteration picks the pair of features (p, q) of the search domain (features not yet saturated)
 * with the best pairwise saliency and moves both by theta (+1: to 1.0; negative: towards 0.0),
 * until the model predicts the target or gamma * D features would be exceeded.
 *
 * <p><b>Which Jacobian.</b> The softmax-output Jacobian dF/dx, as in the paper. A
 * {@link DifferentiableClassifier} offers only cross-entropy gradients, grad CE_c = -grad log F_c,
 * so dF_c/dx = -F_c grad CE_c exactly, whereas the logit Jacobian dZ/dx is known only up to a
 * vector common to all classes (LogitGradients gives logit differences, not logits), and JSMA-Z's
 * beta term is not invariant to that vector. Since the probabilities sum to 1, the paper's beta
 * (sum over the non-target classes of dF_j/dx) is exactly -alpha, so the saliency of a pair,
 * alpha * |beta| under alpha &gt; 0 and beta &lt; 0 (theta &gt; 0; signs flipped for theta &lt; 0), is
 * alpha^2, and the positive factor F_t does not change which pair wins: one gradient evaluation
 * (of log F_t) per iteration and sample gives the paper's choice, where computing the other
 * classes' rows would cost K. Working with log F_t also keeps the ranking when F_t underflows.
 *
 * <p><b>Scoring.</b> Distances are L0, the number of changed features. An eps is a changed
 * <em>fraction</em> (like gamma): a sample's adversarial counts at eps when it reaches the target
 * with at most eps * D changed features. One search to gamma serves every eps (eps above gamma
 * add nothing), and its cost is charged to each. Every attack is targeted; the default target is
 * a random other class with a fixed seed. Deterministic (ties go to the lowest feature indices).
 *
 * <p>Cost per iteration and sample: one gradient and one forward evaluation; at most
 * floor(gamma * D / 2) iterations, as each changes at most two features.
 */
public final class JsmaAttack extends ConfiguredAttack {
    /** The fixed seed of the default random targets. */
    public static final long DEFAULT_TARGET_SEED = 20160321L;

    private final double theta;
    private final double gamma;

    private JsmaAttack(AttackSettings settings, double theta, double gamma) {
        super(settings);
        if (!Double.isFinite(theta) || theta == 0 || theta < -1 || theta > 1) {
            throw new IllegalArgumentException("theta must be in [-1, 0) or (0, 1] (the change per chosen feature), got " + theta);
        }
        if (!Double.isFinite(gamma) || gamma < 0 || gamma > 1) {
            throw new IllegalArgumentException("gamma must be in [0, 1] (the largest fraction of features changed), got " + gamma);
        }
        if (!settings.targets().isTargeted()) {
            throw new IllegalArgumentException("JSMA is a targeted attack: give TargetSelection.given, random or leastLikely, not untargeted");
        }
        this.theta = theta;
        this.gamma = gamma;
    }

    /** The paper's MNIST setting: theta +1, gamma 0.145; random targets (fixed seed); scored at eps 1 (any fraction up to gamma). */
    public static JsmaAttack create() {
        return new JsmaAttack(new AttackSettings(Norm.L0, List.of(1.0), TargetSelection.random(DEFAULT_TARGET_SEED),
                AttackSettings.DEFAULT_BATCH), 1.0, 0.145);
    }

    /** Changed fractions at which to score (each in [0, 1]; see the class comment). */
    public JsmaAttack eps(double... eps) {
        for (double e : eps) {
            if (!(e >= 0 && e <= 1)) throw new IllegalArgumentException("JSMA eps is a changed fraction in [0, 1], got " + e);
        }
        return new JsmaAttack(settings.withEps(eps), theta, gamma);
    }
    public JsmaAttack theta(double t) { return new JsmaAttack(settings, t, gamma); }
    public JsmaAttack gamma(double g) { return new JsmaAttack(settings, theta, g); }
    public JsmaAttack targeted(TargetSelection t) {
        if (t == null) throw new IllegalArgumentException("targets must not be null");
        return new JsmaAttack(settings.withTargets(t), theta, gamma);
    }
    public JsmaAttack batchSize(int b) { return new JsmaAttack(settings.withBatchSize(b), theta, gamma); }

    @Override public String name() { return "JSMA"; }
    @Override public Norm norm() { return Norm.L0; }

    @Override
    public String describe() {
        return describeWith("changed fraction " + settings.epsilons().stream().map(AttackSettings::formatEps).toList());
    }

    @Override
    public String describeAt(double eps) {
        return describeWith("changed fraction <= " + AttackSettings.formatEps(eps));
    }

    @Override
    protected String describeWith(String eps) {
        return name() + "(" + eps + ", theta " + theta + ", gamma " + gamma + ", " + settings.targets().describe() + ")";
    }

    @Override
    protected void addParameters(Map<String, String> p) {
        p.put("theta", String.valueOf(theta));
        p.put("gamma", String.valueOf(gamma));
    }

    @Override
    public AttackResult run(DifferentiableClassifier model, Dataset data) {
        return AttackRunner.run(this, settings, maxIterations(data.sampleLength()), this::attackBatch, model, data);
    }

    /** Each iteration changes at most two features, so this many keep the count within gamma * D. */
    int maxIterations(long d) {
        return (int) Math.floor(gamma * d / 2 + 1e-9);
    }

    private List<BatchOutcome> attackBatch(DifferentiableClassifier model, AttackBatch batch, double[] eps) {
        long t0 = System.nanoTime();
        int m = batch.size();
        int d = Math.toIntExact(batch.inputs().size(1));
        int maxIter = maxIterations(d);
        int[] targets = batch.targets();
        double[][] x = new double[m][];
        boolean[][] domain = new boolean[m][d];
        for (int i = 0; i < m; i++) {
            x[i] = batch.inputs().getRow(i, true).toDoubleVector();
            for (int f = 0; f < d; f++) domain[i][f] = theta > 0 ? x[i][f] < Box.MAX : x[i][f] > Box.MIN;
        }
        boolean[] found = new boolean[m];
        int[] bestPred = batch.labels().clone();
        int[] grads = new int[m];
        long forwards = 0;
        List<Integer> active = new ArrayList<>();
        for (int i = 0; i < m; i++) active.add(i);
        // Attacked rows are clean-correct and targets differ from labels, so none has reached its target yet.
        for (int it = 0; it < maxIter && !active.isEmpty(); it++) {
            long ts = System.nanoTime();
            int[] rows = active.stream().mapToInt(Integer::intValue).toArray();
            INDArray xs = rows(x, rows, batch.inputs().dataType()).reshape(batch.batchShape(rows.length));
            // grad log F_t = -grad CE_t: the target's row of the probability Jacobian divided by F_t > 0.
            INDArray g = model.lossGradient(xs, Rows.pick(targets, rows)).reshape(rows.length, d).castTo(DataType.DOUBLE);
            List<Integer> next = new ArrayList<>();
            for (int j = 0; j < rows.length; j++) {
                int r = rows[j];
                grads[r]++;
                double[] alpha = g.getRow(j, true).toDoubleVector();
                for (int f = 0; f < d; f++) alpha[f] = -alpha[f];
                int[] pair = bestPair(alpha, domain[r]);
                if (pair == null) continue; // no admissible pair: the search ends unsuccessful
                for (int f : pair) {
                    x[r][f] = Math.max(Box.MIN, Math.min(Box.MAX, x[r][f] + theta));
                    if (x[r][f] == Box.MAX || x[r][f] == Box.MIN) domain[r][f] = false;
                }
                next.add(r);
            }
            if (next.isEmpty()) break;
            int[] moved = next.stream().mapToInt(Integer::intValue).toArray();
            int[] pred = Predictions.argMax(model.logits(rows(x, moved, batch.inputs().dataType()).reshape(batch.batchShape(moved.length))));
            forwards += moved.length;
            active.clear();
            for (int j = 0; j < moved.length; j++) {
                if (pred[j] == targets[moved[j]]) {
                    found[moved[j]] = true;
                    bestPred[moved[j]] = pred[j];
                } else {
                    active.add(moved[j]);
                }
            }
            EventBus.emit(new AttackStep(name(), gamma, 0, it + 1, maxIter, rows.length, (System.nanoTime() - ts) / 1e9));
        }
        INDArray best = rows(x, allRows(m), batch.inputs().dataType());
        double[] counts = new double[eps.length];
        for (int e = 0; e < eps.length; e++) counts[e] = eps[e] * d;
        return MinimalAdversarials.atEachEps(batch, Norm.L0, counts, best, found, bestPred, grads, forwards,
                (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The pair of domain features with the paper's best saliency: maximise alpha_pq * |beta_pq|
     * subject to alpha_pq &gt; 0, beta_pq &lt; 0 (theta &gt; 0) or alpha_pq &lt; 0, beta_pq &gt; 0
     * (theta &lt; 0), where alpha_pq = alpha_p + alpha_q is the target's gradient over the pair and
     * beta_pq = -alpha_pq the other classes' (the probabilities sum to 1). Null when no pair qualifies.
     *
     * <p>With beta_pq = -alpha_pq the score is alpha_pq squared, so the best pair is the two largest
     * alphas (theta &gt; 0) or the two smallest (theta &lt; 0): one pass instead of the paper's
     * d^2/2 pairs. Among pairs with that same sum, the first in (p, q) order is taken, as the
     * exhaustive search does ({@code JsmaAttackTest} checks the two agree).
     */
    int[] bestPair(double[] alpha, boolean[] domain) {
        double s = theta > 0 ? 1 : -1;
        double v1 = Double.NEGATIVE_INFINITY, v2 = Double.NEGATIVE_INFINITY;
        int n = 0;
        for (int f = 0; f < alpha.length; f++) {
            if (!domain[f]) continue;
            n++;
            double v = s * alpha[f];
            if (v > v1) { v2 = v1; v1 = v; } else if (v > v2) { v2 = v; }
        }
        if (n < 2) return null;
        double best = v1 + v2;   // rounded addition is monotone: no pair's rounded sum exceeds this one
        if (!(best > 0)) return null;
        double sum = s * best;
        // A feature whose rounded sum with the largest value falls short cannot be in a best pair. The
        // test is on rounded sums, not on the values, because a much smaller value can round to the
        // same sum (1 + 1e-20 == 1 + 2e-20) and the exhaustive search would take it if it came first.
        for (int p = 0; p < alpha.length; p++) {
            if (!domain[p] || !(s * alpha[p] + v1 >= best)) continue;
            for (int q = p + 1; q < alpha.length; q++) {
                if (domain[q] && alpha[p] + alpha[q] == sum) return new int[] {p, q};
            }
        }
        throw new IllegalStateException("no pair reaches the largest sum " + sum);
    }

    private static INDArray rows(double[][] x, int[] rows, DataType type) {
        double[][] picked = new double[rows.length][];
        for (int j = 0; j < rows.length; j++) picked[j] = x[rows[j]];
        return Nd4j.create(picked).castTo(type);
    }

    private static int[] allRows(int m) {
        int[] r = new int[m];
        for (int i = 0; i < m; i++) r[i] = i;
        return r;
    }
}
