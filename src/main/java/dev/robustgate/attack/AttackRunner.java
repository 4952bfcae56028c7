package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.event.AttackFinished;
import dev.robustgate.event.AttackStarted;
import dev.robustgate.event.BatchDone;
import dev.robustgate.event.EventBus;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.EvaluationCounter.Counts;
import dev.robustgate.model.InputChecks;
import dev.robustgate.model.Predictions;
import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The loop every attack shares, and the place its invariants are kept: validate, predict clean,
 * choose targets, batch, hand the clean-correct samples to the kernel (a copy: the caller's data is
 * never written), answer eps = 0 with the input at no cost, check every outcome against the box and
 * the eps-ball (a kernel that leaves them is a bug and fails loudly), scatter the outcomes back,
 * measure distances and cost, publish events. Kernels then contain only their algorithm.
 *
 * <p>Test seam: the system property {@code robustgate.test.attack-substitute} ({@code noop} or
 * {@code noise}) replaces every kernel run here by a broken stand-in, see {@link AttackSubstitution}.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
public final class AttackRunner {
    private static final double BALL_TOLERANCE = 1e-5;

    private AttackRunner() {}

    /**
     * Runs {@code kernel} for {@code attack} over {@code data}.
     *
     * @param stepsPerSample the most steps (or queries) a sample can take, for progress events
     */
    public static AttackResult run(Attack attack, AttackSettings settings, int stepsPerSample, AttackKernel kernel,
                                   DifferentiableClassifier model, Dataset data) {
        requireCompatible(model, data);
        requireGradientsIfNeeded(attack, model);
        kernel = AttackSubstitution.apply(kernel, settings.norm());   // a test seam: off unless its system property is set
        long t0 = System.nanoTime();
        Counts before = model.counter().snapshot();
        int n = data.size();
        long d = data.sampleLength();
        INDArray clean = data.features().reshape(n, d);
        int[] labels = data.labels();
        // Every per-sample draw is keyed by the sample's id, not its position in data: a shard or
        // an ensemble's standing samples keep their ids, so they draw what the full run would.
        int[] allIds = data.sampleIds();

        INDArray cleanProbs = batchedProbabilities(model, data, settings.batchSize());
        int[] cleanPred = Predictions.argMax(cleanProbs);
        int[] targets = settings.targets().choose(labels, allIds, cleanProbs, model.numClasses());

        double[] eps = settings.epsArray();
        double[] attackedEps = Arrays.stream(eps).filter(e -> e > 0).distinct().toArray();
        EventBus.emit(new AttackStarted(attack.name(), model.name(), eps.clone(), n, stepsPerSample));

        INDArray[] adv = new INDArray[eps.length];
        int[][] pred = new int[eps.length][n];
        boolean[][] success = new boolean[eps.length][n];
        int[][] grads = new int[eps.length][n];
        long[] forwards = new long[eps.length];
        // Each eps is costed as if run alone, so it includes the clean pass that every run needs.
        Arrays.fill(forwards, n);
        // Only samples the model gets right are attacked: a wrong one is already non-robust, and a
        // targeted attack could only move it back towards its label and inflate robust accuracy.
        // (Every TargetSelection yields targets other than the label.)
        boolean[] attackable = new boolean[n];
        for (int i = 0; i < n; i++) {
            attackable[i] = cleanPred[i] == labels[i];
        }
        double[] seconds = new double[eps.length];
        for (int e = 0; e < eps.length; e++) {
            adv[e] = clean.dup();
            pred[e] = cleanPred.clone();
            for (int i = 0; i < n; i++) {
                success[e][i] = targets == null ? cleanPred[i] != labels[i] : cleanPred[i] == targets[i];
            }
        }

        for (int from = 0; from < n; from += settings.batchSize()) {
            long tb = System.nanoTime();
            int to = Math.min(n, from + settings.batchSize());
            List<Integer> pending = new ArrayList<>();
            for (int i = from; i < to; i++) {
                if (attackable[i]) pending.add(i);
            }
            if (!pending.isEmpty() && attackedEps.length > 0) {
                int[] rows = pending.stream().mapToInt(Integer::intValue).toArray();
                AttackBatch batch = new AttackBatch(Nd4j.pullRows(clean, 1, rows), data.sampleShape(),
                        Rows.pick(labels, rows), targets == null ? null : Rows.pick(targets, rows), Rows.pick(allIds, rows));
                List<BatchOutcome> outcomes = kernel.attack(model, batch, attackedEps);
                requireInvariants(attack, settings.norm(), batch, attackedEps, outcomes);
                for (int e = 0; e < eps.length; e++) {
                    int k = indexOf(attackedEps, eps[e]);
                    if (k < 0) continue;
                    BatchOutcome o = outcomes.get(k);
                    for (int j = 0; j < rows.length; j++) {
                        adv[e].putRow(rows[j], o.adversarial().getRow(j));
                        pred[e][rows[j]] = o.predictions()[j];
                        success[e][rows[j]] = o.success()[j];
                        grads[e][rows[j]] = o.gradientEvaluations()[j];
                    }
                    forwards[e] += o.forwardEvaluations();
                    seconds[e] += o.seconds();
                }
            }
            double secs = (System.nanoTime() - tb) / 1e9;
            EventBus.emit(new BatchDone(attack.name(), to, n, model.counter().snapshot().minus(before).gradient(), secs));
        }

        List<EpsResult> perEps = new ArrayList<>();
        long[] shape = data.features().shape();
        for (int e = 0; e < eps.length; e++) {
            double[] dist = settings.norm().rowNorms(adv[e].sub(clean));
            EpsResult r = new EpsResult(eps[e], attack.describeAt(eps[e]), adv[e].reshape(shape), labels, cleanPred, targets, pred[e],
                    success[e], dist, grads[e], forwards[e], seconds[e]);
            perEps.add(r);
            EventBus.emit(new AttackFinished(r.description(), model.name(), eps[e], n, r.robustCount(),
                    r.gradientEvaluations(), r.forwardEvaluations(), seconds[e]));
        }
        Counts cost = model.counter().snapshot().minus(before);
        return new AttackResult(attack.name(), attack.describe(), attack.parameters(), settings.norm(), model.name(),
                data, cleanPred, List.copyOf(perEps), cost, (System.nanoTime() - t0) / 1e9);
    }

    /** The kernel's outcomes are inside the box and the ball, one per eps, one row per sample. */
    private static void requireInvariants(Attack attack, Norm norm, AttackBatch batch, double[] eps, List<BatchOutcome> outcomes) {
        if (outcomes.size() != eps.length) {
            throw new IllegalStateException(attack.name() + "'s kernel returned " + outcomes.size() + " outcomes for "
                    + eps.length + " eps");
        }
        int m = batch.size();
        for (int k = 0; k < eps.length; k++) {
            BatchOutcome o = outcomes.get(k);
            INDArray adv = o.adversarial();
            if (adv.rank() != 2 || adv.size(0) != m || adv.size(1) != batch.inputs().size(1)
                    || o.predictions().length != m || o.success().length != m || o.gradientEvaluations().length != m) {
                throw new IllegalStateException(attack.name() + "'s kernel returned " + java.util.Arrays.toString(adv.shape())
                        + " adversarials or per-row arrays of the wrong length for a batch of " + m + " rows");
            }
            double lo = adv.minNumber().doubleValue();
            double hi = adv.maxNumber().doubleValue();
            if (!(lo >= Box.MIN && hi <= Box.MAX)) {
                throw new IllegalStateException(attack.name() + "'s kernel left the box at eps " + eps[k] + ": values in ["
                        + lo + ", " + hi + "]");
            }
            // L0 radii are JSMA's fractions of features, checked by its own search; Lp balls are checked here.
            if (norm != Norm.L0) {
                double[] dist = norm.rowNorms(adv.sub(batch.inputs()));
                for (int i = 0; i < m; i++) {
                    if (!(dist[i] <= eps[k] + BALL_TOLERANCE * Math.max(1, eps[k]))) {
                        throw new IllegalStateException(attack.name() + "'s kernel left the " + norm.label() + " ball at eps "
                                + eps[k] + ": sample " + batch.sampleIds()[i] + " is at distance " + dist[i]);
                    }
                }
            }
        }
    }

    /**
     * Refuses, before any query, an attack that needs input gradients on a model without them: a
     * black box behind a wrapper (noise defence, EOT) would otherwise fail at its first gradient,
     * mid-run, with an UnsupportedOperationException.
     */
    public static void requireGradientsIfNeeded(Attack attack, DifferentiableClassifier model) {
        if (attack.needsInputGradients() && !model.hasInputGradients()) {
            throw new IllegalArgumentException(attack.name() + " needs input gradients, but " + model.name()
                    + " is a black box (scores only); use a score-based attack (Square)");
        }
    }

    public static void requireCompatible(DifferentiableClassifier model, Dataset data) {
        if (data.size() == 0) {
            throw new IllegalArgumentException("cannot attack an empty dataset");
        }
        if (data.numClasses() != model.numClasses()) {
            throw new IllegalArgumentException(data.provenance() + " has " + data.numClasses() + " classes but "
                    + model.name() + " predicts " + model.numClasses());
        }
        InputChecks.requireBatchOf(model, data.features());
        double sum = data.features().sumNumber().doubleValue();
        if (!Double.isFinite(sum)) {
            throw new IllegalArgumentException(data.provenance() + " contains NaN or infinite pixels");
        }
        double min = data.features().minNumber().doubleValue();
        double max = data.features().maxNumber().doubleValue();
        if (min < Box.MIN || max > Box.MAX) {
            throw new IllegalArgumentException(data.provenance() + " has pixels in [" + min + ", " + max
                    + "], outside the box [" + Box.MIN + ", " + Box.MAX + "]");
        }
    }

    public static INDArray batchedProbabilities(DifferentiableClassifier model, Dataset data, int batchSize) {
        int n = data.size();
        List<INDArray> parts = new ArrayList<>();
        INDArray x = data.features();
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            parts.add(model.probabilities(x.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to))));
        }
        return parts.size() == 1 ? parts.get(0) : Nd4j.vstack(parts.toArray(new INDArray[0]));
    }

    private static int indexOf(double[] a, double v) {
        for (int i = 0; i < a.length; i++) if (a[i] == v) return i;
        return -1;
    }
}
