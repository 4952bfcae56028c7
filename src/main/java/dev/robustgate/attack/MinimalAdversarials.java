package dev.robustgate.attack;

import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores a minimal-perturbation attack (DeepFool, C&W) at every eps from one unbounded search:
 * a sample's best adversarial counts at eps when its distance in the threat model's norm is at
 * most eps; otherwise the sample comes back unchanged with its clean prediction. The search's cost
 * is charged to every eps, as if each ran alone.
 */
final class MinimalAdversarials {
    private MinimalAdversarials() {}

    /**
     * @param best        the best adversarial per row [m, D] (rows with {@code found[i]} false are ignored)
     * @param bestPred    the model's prediction on each best adversarial
     */
    static List<BatchOutcome> atEachEps(AttackBatch batch, Norm norm, double[] eps, INDArray best, boolean[] found,
                                        int[] bestPred, int[] grads, long forwards, double seconds) {
        int m = batch.size();
        double[] dist = norm.rowNorms(best.sub(batch.inputs()));
        List<BatchOutcome> out = new ArrayList<>(eps.length);
        for (double e : eps) {
            INDArray adv = batch.inputs().dup();
            int[] pred = new int[m];
            boolean[] success = new boolean[m];
            for (int i = 0; i < m; i++) {
                // Attacked rows are clean-correct, so "unchanged" predicts the label.
                pred[i] = batch.labels()[i];
                if (found[i] && dist[i] <= e) {
                    adv.putRow(i, best.getRow(i));
                    pred[i] = bestPred[i];
                    success[i] = true;
                }
            }
            out.add(new BatchOutcome(adv, pred, success, grads.clone(), forwards, seconds));
        }
        return out;
    }
}
