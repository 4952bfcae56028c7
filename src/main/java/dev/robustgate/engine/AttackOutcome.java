package dev.robustgate.engine;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.EpsResult;
import dev.robustgate.attack.EpsResults;
import dev.robustgate.attack.SampleResult;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * An {@link AttackResult} over one partition as plain per-sample arrays keyed by sample id: what a
 * task sends back. Its cost is the task's own count of evaluations (a retried task sends the
 * successful attempt's result only, so nothing is counted twice).
 */
public record AttackOutcome(String victim, int[] ids, int[] cleanPredictions, int[] targets, List<EpsOutcome> perEps,
                            long forwardEvaluations, long gradientEvaluations, double seconds) implements Serializable {

    /** One eps: adversarial pixels (row-major, one row per sample) and the per-sample outcome. */
    public record EpsOutcome(double eps, String description, float[] adversarial, int[] predictions, boolean[] success,
                             double[] distances, int[] gradientEvaluations, long forwardEvaluations, double seconds)
            implements Serializable {}

    public static AttackOutcome of(AttackResult r) {
        int n = r.data().size();
        int[] targets = null;
        List<EpsOutcome> perEps = new ArrayList<>();
        for (EpsResult e : r.perEps()) {
            double[] dist = new double[n];
            boolean[] success = new boolean[n];
            for (int i = 0; i < n; i++) {
                SampleResult s = e.sample(i);
                dist[i] = s.distance();
                success[i] = s.success();
                if (s.target() != null) {
                    if (targets == null) targets = new int[n];
                    targets[i] = s.target();
                }
            }
            perEps.add(new EpsOutcome(e.eps(), e.description(), e.adversarial().dup('c').data().asFloat(), e.predictions(),
                    success, dist, EpsResults.gradientEvaluations(e), e.forwardEvaluations(), e.seconds()));
        }
        return new AttackOutcome(r.victim(), r.data().sampleIds(), r.cleanPredictions().clone(), targets, List.copyOf(perEps),
                r.cost().forward(), r.cost().gradient(), r.seconds());
    }

    public int size() {
        return ids.length;
    }
}
