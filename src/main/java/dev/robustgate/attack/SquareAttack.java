package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.event.AttackStep;
import dev.robustgate.event.EventBus;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.DifferentiableClassifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Square attack (Linf), Andriushchenko et al. 2020: a score-based black box that needs only the
 * model's scores. It starts from vertical stripes of +-eps and then proposes, one query at a time,
 * a random square window whose perturbation is reset to +-eps per channel, keeping the proposal
 * when the margin (label score over the best other; best other over the target when targeted)
 * falls. The window shrinks on the paper's schedule. A sample stops at its first success or when
 * its query budget is spent; every query is a forward evaluation on the model's counter.
 *
 * <p>Random draws come from one stream per (seed, sample, eps), so results do not depend on batching.
 */
public final class SquareAttack extends ConfiguredAttack {
    public static final long DEFAULT_SEED = 2024L;

    private final int queries;
    private final double pInit;
    private final long seed;

    private SquareAttack(AttackSettings settings, int queries, double pInit, long seed) {
        super(settings);
        if (queries < 1) throw new IllegalArgumentException("query budget must be >= 1, got " + queries);
        if (!(pInit > 0 && pInit <= 1)) throw new IllegalArgumentException("p init must be in (0, 1], got " + pInit);
        this.queries = queries;
        this.pInit = pInit;
        this.seed = seed;
    }

    /** 1000 queries per sample, p init 0.3 (the paper's choice for MNIST), seed {@value DEFAULT_SEED}. */
    public static SquareAttack linf() {
        return new SquareAttack(AttackSettings.of(Norm.LINF), 1000, 0.3, DEFAULT_SEED);
    }

    public SquareAttack eps(double... eps) { return new SquareAttack(settings.withEps(eps), queries, pInit, seed); }
    /** Queries per sample and eps, the first (the stripes) included. */
    public SquareAttack queries(int q) { return new SquareAttack(settings, q, pInit, seed); }
    /** Initial fraction of the image a window covers. */
    public SquareAttack pInit(double p) { return new SquareAttack(settings, queries, p, seed); }
    public SquareAttack seed(long s) { return new SquareAttack(settings, queries, pInit, s); }
    public SquareAttack targeted(TargetSelection t) { return new SquareAttack(settings.withTargets(t), queries, pInit, seed); }
    public SquareAttack batchSize(int b) { return new SquareAttack(settings.withBatchSize(b), queries, pInit, seed); }

    public int queries() { return queries; }

    @Override public String name() { return "Square-Linf"; }

    @Override
    protected String describeWith(String eps) {
        return name() + "(" + settings.targetsPrefix() + eps + ", "
                + queries + " queries, p init " + pInit + ", seed " + seed + ")";
    }

    @Override
    protected void addParameters(Map<String, String> p) {
        p.put("queries", String.valueOf(queries));
        p.put("p init", String.valueOf(pInit));
        p.put("seed", String.valueOf(seed));
    }

    /** Attacks a black box: only its probabilities are used. */
    public AttackResult run(Classifier model, Dataset data) {
        return run(dev.robustgate.model.ScoresOnly.of(model), data);
    }

    /** Square asks only for probabilities. */
    @Override public boolean needsInputGradients() { return false; }

    @Override
    public AttackResult run(DifferentiableClassifier model, Dataset data) {
        if (data.sampleShape().length != 3) {
            throw new IllegalArgumentException("the Square attack needs image samples [C, H, W], got shape "
                    + java.util.Arrays.toString(data.sampleShape()));
        }
        return AttackRunner.run(this, settings, queries, AttackKernel.eachEps(this::attackAt), model, data);
    }

    private BatchOutcome attackAt(DifferentiableClassifier model, AttackBatch batch, double eps) {
        long t0 = System.nanoTime();
        int m = batch.size();
        long[] shape = batch.sampleShape();
        int ch = (int) shape[0], h = (int) shape[1], w = (int) shape[2];
        int d = ch * h * w;
        float[][] x0 = batch.inputs().toFloatMatrix();
        SplittableRandom[] rnd = new SplittableRandom[m];
        float[][] adv = new float[m][];
        for (int i = 0; i < m; i++) {
            rnd[i] = new SplittableRandom(Seeds.mix(seed, batch.sampleIds()[i], Double.doubleToLongBits(eps) * 31 + 0x5C0A4EL));
            float[] delta = new float[d];
            for (int c = 0; c < ch; c++) {
                for (int col = 0; col < w; col++) {
                    float s = rnd[i].nextBoolean() ? (float) eps : (float) -eps;
                    for (int row = 0; row < h; row++) delta[(c * h + row) * w + col] = s;
                }
            }
            adv[i] = clipped(x0[i], delta);
        }
        int[] rows = new int[m];
        for (int i = 0; i < m; i++) rows[i] = i;
        double[] margin = new double[m];
        int[] pred = new int[m];
        boolean[] success = new boolean[m];
        long forwards = 0;
        evaluate(model, batch, adv, rows, margin, pred);
        forwards += m;

        // One delta and one block of candidates, reused by every query: a query touches every
        // standing sample, so per-sample arrays would be allocated queries x samples times.
        float[] delta = new float[d];
        float[] candidates = new float[m * d];
        for (int q = 1; q < queries; q++) {
            rows = standing(rows, margin, success, batch);
            if (rows.length == 0) break;
            long ts = System.nanoTime();
            int side = windowSide(q, h, w);
            for (int j = 0; j < rows.length; j++) {
                int r = rows[j];
                for (int k = 0; k < d; k++) delta[k] = adv[r][k] - x0[r][k];
                int top = rnd[r].nextInt(h - side + 1);
                int left = rnd[r].nextInt(w - side + 1);
                for (int c = 0; c < ch; c++) {
                    float s = rnd[r].nextBoolean() ? (float) eps : (float) -eps;
                    for (int y = top; y < top + side; y++) {
                        for (int x = left; x < left + side; x++) delta[(c * h + y) * w + x] = s;
                    }
                }
                clipInto(x0[r], delta, candidates, j * d);
            }
            double[] newMargin = new double[rows.length];
            int[] newPred = new int[rows.length];
            float[] block = rows.length == m ? candidates : java.util.Arrays.copyOf(candidates, rows.length * d);
            INDArray logits = model.logits(Nd4j.create(block, new long[]{rows.length, d}, 'c').reshape(batch.batchShape(rows.length)));
            forwards += rows.length;
            margins(logits, batch, rows, newMargin, newPred);
            for (int j = 0; j < rows.length; j++) {
                int r = rows[j];
                if (newMargin[j] < margin[r]) {
                    margin[r] = newMargin[j];
                    pred[r] = newPred[j];
                    System.arraycopy(candidates, j * d, adv[r], 0, d);
                }
            }
            EventBus.emit(new AttackStep(name(), eps, 0, q, queries, rows.length, (System.nanoTime() - ts) / 1e9));
        }
        standing(rows, margin, success, batch);
        INDArray result = Nd4j.create(adv).castTo(batch.inputs().dataType());
        return new BatchOutcome(result, pred, success, new int[m], forwards, (System.nanoTime() - t0) / 1e9);
    }

    /** Marks rows whose goal is reached as successes and returns the others. */
    private static int[] standing(int[] rows, double[] margin, boolean[] success, AttackBatch batch) {
        List<Integer> keep = new ArrayList<>(rows.length);
        for (int r : rows) {
            if (margin[r] < 0) success[r] = true;
            else keep.add(r);
        }
        return keep.stream().mapToInt(Integer::intValue).toArray();
    }

    private static void evaluate(DifferentiableClassifier model, AttackBatch batch, float[][] adv, int[] rows,
                                 double[] margin, int[] pred) {
        INDArray logits = model.logits(Nd4j.create(adv).reshape(batch.batchShape(adv.length)));
        double[] mg = new double[rows.length];
        int[] p = new int[rows.length];
        margins(logits, batch, rows, mg, p);
        for (int j = 0; j < rows.length; j++) {
            margin[rows[j]] = mg[j];
            pred[rows[j]] = p[j];
        }
    }

    /** Margin < 0 exactly when the goal is reached (ties count as not reached). */
    private static void margins(INDArray logits, AttackBatch batch, int[] rows, double[] margin, int[] pred) {
        double[][] z = logits.toDoubleMatrix();
        for (int j = 0; j < rows.length; j++) {
            Logits.Margin m = Logits.margin(z[j], batch.lossLabels()[rows[j]], batch.targeted());
            pred[j] = m.top();
            margin[j] = m.value();
            if (margin[j] < 0 && !batch.reached(rows[j], m.top())) margin[j] = 0; // a tie in arg-max
        }
    }

    private static float[] clipped(float[] x0, float[] delta) {
        float[] out = new float[x0.length];
        clipInto(x0, delta, out, 0);
        return out;
    }

    private static void clipInto(float[] x0, float[] delta, float[] out, int offset) {
        for (int k = 0; k < x0.length; k++) out[offset + k] = Math.min((float) Box.MAX, Math.max((float) Box.MIN, x0[k] + delta[k]));
    }

    /** The paper's schedule for p, on a budget rescaled to 10000 queries, as a window side in pixels. */
    int windowSide(int query, int h, int w) {
        int i = (int) ((long) query * 10000 / queries);
        double p = pInit;
        int[] bounds = {10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000};
        for (int b : bounds) if (i > b) p /= 2;
        int side = (int) Math.round(Math.sqrt(p * h * w));
        return Math.max(1, Math.min(side, Math.min(h, w) - 1));
    }
}
