package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.event.AttackStep;
import dev.robustgate.event.EventBus;
import dev.robustgate.model.DifferentiableClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Carlini-Wagner L2, Carlini and Wagner 2017: minimise ||x' - x||_2^2 + c * f(x') over
 * x' = (tanh(w) + 1) / 2, which keeps x' inside the box without clipping, with Adam on w and a
 * binary search over c per sample. f is the logit margin with confidence kappa:
 * max(z_y - max_{j != y} z_j, -kappa) untargeted, max(max_{j != t} z_j - z_t, -kappa) towards t.
 *
 * <p>A minimal-perturbation attack: the smallest adversarial found over the whole search counts at
 * every eps it fits in, measured in the threat model's norm (L2 by default; {@link #threatNorm}
 * scores the same adversarials in Linf, to take part in a Linf ensemble). Deterministic: the only
 * random choice is a random target, keyed by sample. Cost per step and sample: one forward
 * evaluation, and one gradient evaluation while the margin term is active (the gradient of a logit
 * difference, see {@link LogitGradients}; two on a model that cannot seed its backward pass).
 */
public final class CarliniWagnerL2Attack extends ConfiguredAttack {
    private final int binarySearchSteps;
    private final int steps;
    private final double learningRate;
    private final double initialConst;
    private final double confidence;
    private final boolean abortEarly;

    private CarliniWagnerL2Attack(AttackSettings settings, int binarySearchSteps, int steps, double learningRate,
                                  double initialConst, double confidence, boolean abortEarly) {
        super(settings);
        if (binarySearchSteps < 1) throw new IllegalArgumentException("binary search steps must be >= 1, got " + binarySearchSteps);
        if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        requirePositive("learning rate", learningRate);
        requirePositive("initial const", initialConst);
        if (!Double.isFinite(confidence) || confidence < 0) {
            throw new IllegalArgumentException("confidence (kappa) must be a finite number >= 0, got " + confidence);
        }
        this.binarySearchSteps = binarySearchSteps;
        this.steps = steps;
        this.learningRate = learningRate;
        this.initialConst = initialConst;
        this.confidence = confidence;
        this.abortEarly = abortEarly;
    }

    private static void requirePositive(String what, double v) {
        if (!Double.isFinite(v) || v <= 0) throw new IllegalArgumentException(what + " must be a finite number > 0, got " + v);
    }

    /** 6 binary search steps from c = 0.01, 100 Adam steps of 0.05 each (the paper: 10000 of 0.01; fewer, larger steps keep it CI-sized), kappa 0, abort early: a CI-sized default. */
    public static CarliniWagnerL2Attack create() {
        return new CarliniWagnerL2Attack(AttackSettings.of(Norm.L2), 6, 100, 0.05, 0.01, 0, true);
    }

    private CarliniWagnerL2Attack with(AttackSettings s) {
        return new CarliniWagnerL2Attack(s, binarySearchSteps, steps, learningRate, initialConst, confidence, abortEarly);
    }

    public CarliniWagnerL2Attack eps(double... eps) { return with(settings.withEps(eps)); }
    public CarliniWagnerL2Attack targeted(TargetSelection t) { return with(settings.withTargets(t)); }
    public CarliniWagnerL2Attack batchSize(int b) { return with(settings.withBatchSize(b)); }
    /** The norm in which eps and distances are measured; the search itself always minimises L2. */
    public CarliniWagnerL2Attack threatNorm(Norm n) {
        return with(new AttackSettings(n, settings.epsilons(), settings.targets(), settings.batchSize()));
    }
    public CarliniWagnerL2Attack binarySearchSteps(int b) { return new CarliniWagnerL2Attack(settings, b, steps, learningRate, initialConst, confidence, abortEarly); }
    public CarliniWagnerL2Attack steps(int s) { return new CarliniWagnerL2Attack(settings, binarySearchSteps, s, learningRate, initialConst, confidence, abortEarly); }
    public CarliniWagnerL2Attack learningRate(double lr) { return new CarliniWagnerL2Attack(settings, binarySearchSteps, steps, lr, initialConst, confidence, abortEarly); }
    public CarliniWagnerL2Attack initialConst(double c) { return new CarliniWagnerL2Attack(settings, binarySearchSteps, steps, learningRate, c, confidence, abortEarly); }
    /** kappa: how far past the boundary (in logits) an adversarial must be. */
    public CarliniWagnerL2Attack confidence(double kappa) { return new CarliniWagnerL2Attack(settings, binarySearchSteps, steps, learningRate, initialConst, kappa, abortEarly); }
    /** Stop a sample's Adam run when its loss has not fallen by 0.01% over a tenth of the steps. */
    public CarliniWagnerL2Attack abortEarly(boolean a) { return new CarliniWagnerL2Attack(settings, binarySearchSteps, steps, learningRate, initialConst, confidence, a); }

    @Override public String name() { return "CW-L2"; }

    @Override
    protected String describeWith(String eps) {
        return name() + "(" + settings.targetsPrefix()
                + (settings.norm() != Norm.L2 ? "scored in " + settings.norm().label() + ", " : "") + eps + ", "
                + binarySearchSteps + " binary steps x " + steps + " Adam steps of " + learningRate
                + ", c0=" + initialConst + ", kappa=" + confidence + ")";
    }

    @Override
    protected void addParameters(Map<String, String> p) {
        p.put("binary search steps", String.valueOf(binarySearchSteps));
        p.put("steps", String.valueOf(steps));
        p.put("learning rate", String.valueOf(learningRate));
        p.put("initial const", String.valueOf(initialConst));
        p.put("confidence", String.valueOf(confidence));
        p.put("abort early", String.valueOf(abortEarly));
    }

    @Override
    public AttackResult run(DifferentiableClassifier model, Dataset data) {
        return AttackRunner.run(this, settings, binarySearchSteps * steps, this::attackBatch, model, data);
    }

    private List<BatchOutcome> attackBatch(DifferentiableClassifier model, AttackBatch batch, double[] eps) {
        long t0 = System.nanoTime();
        INDArray x0All = batch.inputs();
        // atanh of the input, scaled slightly into (-1, 1) so that pixels at 0 or 1 stay finite.
        INDArray w0All = Transforms.atanh(x0All.mul(2).subi(1).muli(1 - 1e-6), false);
        SearchState search = new SearchState(batch, initialConst);
        for (int bs = 0; bs < binarySearchSteps; bs++) {
            boolean[] reachedThisRound = optimiseAtConst(model, batch, x0All, w0All, search, bs);
            search.updateConsts(reachedThisRound);
        }
        return MinimalAdversarials.atEachEps(batch, settings.norm(), eps, search.best, search.found, search.bestPred,
                search.grads, search.forwards, (System.nanoTime() - t0) / 1e9);
    }

    /**
     * One Adam run of up to {@code steps} steps from w0 at each sample's current c; records every
     * adversarial it passes through in {@code search} and says which samples reached their goal.
     */
    private boolean[] optimiseAtConst(DifferentiableClassifier model, AttackBatch batch, INDArray x0All, INDArray w0All,
                                      SearchState search, int bs) {
        boolean[] reachedThisRound = new boolean[batch.size()];
        AdamRun run = new AdamRun(x0All, w0All);
        int checkEvery = Math.max(1, steps / 10);
        for (int t = 1; t <= steps && run.rows.length > 0; t++) {
            long ts = System.nanoTime();
            int k = run.rows.length;
            INDArray tanh = Transforms.tanh(run.w, true);
            INDArray x = tanh.add(1).muli(0.5);
            INDArray logits = model.logits(x.reshape(batch.batchShape(k)));
            search.forwards += k;
            INDArray diff = x.sub(run.x0);
            Margins margins = scoreAndRecordBest(batch, run.rows, logits, x, diff, search, reachedThisRound);
            INDArray gx = lossGradient(model, batch, run.rows, x, diff, margins, search);
            run.adamStep(gx, tanh, t, learningRate);
            if (abortEarly && t % checkEvery == 0) run.dropStalled(margins.loss());
            EventBus.emit(new AttackStep(name(), Double.POSITIVE_INFINITY, bs, t, steps, run.rows.length, (System.nanoTime() - ts) / 1e9));
        }
        return reachedThisRound;
    }

    /**
     * Per active row j: the margin f, the loss ||x - x0||^2 + c max(f, -kappa), and the logits a, b of
     * f = z_a - z_b. Any row past the boundary by kappa that is smaller than the best so far becomes
     * the best. Reads {@code diff} before {@link #lossGradient} scales it in place.
     */
    private Margins scoreAndRecordBest(AttackBatch batch, int[] rows, INDArray logits, INDArray x, INDArray diff,
                                       SearchState search, boolean[] reachedThisRound) {
        int k = rows.length;
        double[][] z = logits.toDoubleMatrix();
        double[] dist2 = diff.norm2(1).toDoubleVector();
        for (int j = 0; j < dist2.length; j++) dist2[j] *= dist2[j];
        double[] size = settings.norm() == Norm.L2 ? null : settings.norm().rowNorms(diff);
        int[] a = new int[k];
        int[] b = new int[k];
        double[] loss = new double[k];
        List<Integer> hinge = new ArrayList<>(k);
        for (int j = 0; j < k; j++) {
            int r = rows[j];
            int goal = batch.lossLabels()[r];
            Logits.Margin margin = Logits.margin(z[j], goal, batch.targeted());
            int arg = margin.top();
            // margin f = z_a - z_b: the label over the runner-up, or the runner-up over the target
            a[j] = batch.targeted() ? margin.rival() : goal;
            b[j] = batch.targeted() ? goal : margin.rival();
            double f = margin.value();
            loss[j] = dist2[j] + search.c[r] * Math.max(f, -confidence);
            if (f <= -confidence && batch.reached(r, arg)) {
                reachedThisRound[r] = true;
                // Smallest in the threat model's norm (L2, the search's own, unless scored elsewhere).
                search.offer(r, size == null ? Math.sqrt(dist2[j]) : size[j], x, j, arg);
            }
            if (f > -confidence) hinge.add(j);
        }
        return new Margins(a, b, loss, hinge.stream().mapToInt(Integer::intValue).toArray());
    }

    /** dLoss/dx = 2 (x - x0) + c * grad f, the last term only where the hinge is active; reuses {@code diff}. */
    private static INDArray lossGradient(DifferentiableClassifier model, AttackBatch batch, int[] rows, INDArray x,
                                         INDArray diff, Margins margins, SearchState search) {
        int k = rows.length;
        INDArray gx = diff.muli(2);
        int[] h = margins.hinge();
        if (h.length > 0) {
            boolean allRows = h.length == k;
            INDArray xh = allRows ? x : Nd4j.pullRows(x, 1, h);
            INDArray gf = LogitGradients.ofDifference(model, xh, batch.batchShape(h.length), Rows.pick(margins.a(), h), Rows.pick(margins.b(), h));
            double[] ch = new double[h.length];
            for (int q = 0; q < h.length; q++) {
                ch[q] = search.c[rows[h[q]]];
                search.grads[rows[h[q]]] += LogitGradients.differenceCost(model);
            }
            gf.muliColumnVector(Nd4j.createFromArray(ch).castTo(gf.dataType()).reshape(h.length, 1));
            if (allRows) {
                gx.addi(gf);
            } else {
                for (int q = 0; q < h.length; q++) gx.getRow(h[q]).addi(gf.getRow(q));
            }
        }
        return gx;
    }

    /** One step's margins for the active rows: f = z_a - z_b per row, its loss, and the rows whose hinge is active. */
    private record Margins(int[] a, int[] b, double[] loss, int[] hinge) {}

    /** The binary search over c and the best adversarial per sample, across all its rounds. */
    private static final class SearchState {
        final double[] c;
        final double[] lower;
        final double[] upper;
        final double[] bestDist;
        final INDArray best;
        final boolean[] found;
        final int[] bestPred;
        final int[] grads;
        long forwards;

        SearchState(AttackBatch batch, double initialConst) {
            int m = batch.size();
            c = new double[m];
            lower = new double[m];
            upper = new double[m];
            Arrays.fill(c, initialConst);
            Arrays.fill(upper, Double.POSITIVE_INFINITY);
            bestDist = new double[m];
            Arrays.fill(bestDist, Double.POSITIVE_INFINITY);
            best = batch.inputs().dup();
            found = new boolean[m];
            bestPred = batch.labels().clone();
            grads = new int[m];
        }

        /** Sample r reached its goal at row j of x, {@code dist} away: keep it if it is the closest yet. */
        void offer(int r, double dist, INDArray x, int j, int prediction) {
            if (dist < bestDist[r]) {
                bestDist[r] = dist;
                best.putRow(r, x.getRow(j));
                bestPred[r] = prediction;
                found[r] = true;
            }
        }

        /** Bisect c down where the round reached the goal, up (ten-fold until bounded) where it did not. */
        void updateConsts(boolean[] reachedThisRound) {
            for (int r = 0; r < c.length; r++) {
                if (reachedThisRound[r]) {
                    upper[r] = Math.min(upper[r], c[r]);
                    c[r] = (lower[r] + upper[r]) / 2;
                } else {
                    lower[r] = Math.max(lower[r], c[r]);
                    c[r] = Double.isInfinite(upper[r]) ? c[r] * 10 : (lower[r] + upper[r]) / 2;
                }
            }
        }
    }

    /** One round's Adam state over w, for the rows still running ({@code rows} maps them to the batch). */
    private static final class AdamRun {
        int[] rows;
        INDArray x0;
        INDArray w;
        INDArray mom;
        INDArray vel;
        final double[] lastCheck;

        AdamRun(INDArray x0All, INDArray w0All) {
            int m = (int) x0All.size(0);
            long d = x0All.size(1);
            rows = new int[m];
            for (int i = 0; i < m; i++) rows[i] = i;
            x0 = x0All.dup();
            w = w0All.dup();
            mom = Nd4j.zeros(w.dataType(), m, d);
            vel = Nd4j.zeros(w.dataType(), m, d);
            lastCheck = new double[m];
            Arrays.fill(lastCheck, Double.POSITIVE_INFINITY);
        }

        /**
         * Chain rule through x = (tanh(w) + 1) / 2, then Adam. tanh is spent once x exists, so it
         * serves as the one scratch array of the update instead of six fresh [k, d] ones.
         */
        void adamStep(INDArray gx, INDArray tanh, int t, double learningRate) {
            INDArray scratch = tanh;
            INDArray gw = gx.muli(scratch.muli(scratch).rsubi(1).muli(0.5));
            mom.muli(0.9).addi(scratch.assign(gw).muli(0.1));
            vel.muli(0.999).addi(scratch.assign(gw).muli(gw).muli(0.001));
            double mHat = 1 - Math.pow(0.9, t);
            double vHat = 1 - Math.pow(0.999, t);
            Transforms.sqrt(scratch.assign(vel).divi(vHat), false).addi(1e-8).rdivi(mom).muli(learningRate / mHat);
            w.subi(scratch);
        }

        /** Abort early: drop the rows whose loss has not fallen by 0.01% since the last check. */
        void dropStalled(double[] loss) {
            int k = rows.length;
            List<Integer> keep = new ArrayList<>(k);
            for (int j = 0; j < k; j++) {
                if (!(loss[j] > lastCheck[rows[j]] * 0.9999)) keep.add(j);
                lastCheck[rows[j]] = loss[j];
            }
            if (keep.size() < k) {
                int[] kept = keep.stream().mapToInt(Integer::intValue).toArray();
                rows = Rows.pick(rows, kept);
                if (kept.length > 0) {
                    x0 = Nd4j.pullRows(x0, 1, kept);
                    w = Nd4j.pullRows(w, 1, kept);
                    mom = Nd4j.pullRows(mom, 1, kept);
                    vel = Nd4j.pullRows(vel, 1, kept);
                }
            }
        }
    }
}
