package dev.robustgate.metric;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.EpsResult;
import dev.robustgate.attack.Norm;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Per-sample minimal adversarial distance from one run of a minimal-perturbation attack (DeepFool,
 * C&W) at its largest eps, normally unbounded: 0 for a sample the model already gets wrong, the
 * distance of the adversarial found otherwise, and +infinity when none was found. From it, the
 * robust accuracy at any eps up to the run's (a whole curve from one run) and the empirical
 * robustness rho_adv = mean ||delta|| / ||x|| (Moosavi-Dezfooli et al.; Papernot et al.'s
 * distillation paper), both in the attack's norm.
 */
public final class MinimalPerturbation {
    private final AttackResult result;
    private final double searchedEps;
    private final double[] distances;
    private final double[] inputNorms;
    private final boolean[] cleanCorrect;

    private MinimalPerturbation(AttackResult result, double searchedEps, double[] distances, double[] inputNorms,
                                boolean[] cleanCorrect) {
        this.result = result;
        this.searchedEps = searchedEps;
        this.distances = distances;
        this.inputNorms = inputNorms;
        this.cleanCorrect = cleanCorrect;
    }

    /** From the result at the largest eps the attack evaluated. */
    public static MinimalPerturbation of(AttackResult result) {
        double largest = result.epsilons().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        EpsResult r = result.at(largest);
        int n = r.size();
        double[] d = new double[n];
        boolean[] correct = new boolean[n];
        int[] clean = result.cleanPredictions();
        int[] labels = result.data().labels();
        for (int i = 0; i < n; i++) {
            correct[i] = clean[i] == labels[i];
            if (!correct[i]) d[i] = 0;
            else d[i] = r.success(i) ? r.distance(i) : Double.POSITIVE_INFINITY;
        }
        INDArray x = result.data().features();
        double[] norms = result.norm().rowNorms(x.reshape(n, x.length() / n));
        return new MinimalPerturbation(result, largest, d, norms, correct);
    }

    /** Per-sample minimal distance (0: clean-wrong, +infinity: none found). */
    public double[] distances() {
        return distances.clone();
    }

    public Norm norm() {
        return result.norm();
    }

    /** The largest eps searched: robust accuracy is known for every eps up to it. */
    public double searchedEps() {
        return searchedEps;
    }

    /** Samples robust at eps: those whose minimal distance exceeds it. */
    public Proportion robustAccuracyAt(double eps) {
        if (!(eps >= 0) || eps > searchedEps) {
            throw new IllegalArgumentException("eps must be in [0, " + searchedEps + "] (the radius " + result.description()
                    + " searched), got " + eps);
        }
        int robust = 0;
        for (double d : distances) if (d > eps) robust++;
        String method = result.attack() + " minimal perturbation <= " + (float) eps;
        return Proportion.of("robust accuracy", result.victim(), method, robust, distances.length);
    }

    /** Robust accuracy at each eps: the accuracy-vs-eps curve of a whole sweep, from the one run. */
    public List<Proportion> curve(double... eps) {
        List<Proportion> out = new ArrayList<>(eps.length);
        for (double e : eps) out.add(robustAccuracyAt(e));
        return out;
    }

    /** Clean-correct samples for which no adversarial was found within the searched radius. */
    public int notFound() {
        int k = 0;
        for (double d : distances) if (d == Double.POSITIVE_INFINITY) k++;
        return k;
    }

    /** Minimal distances of the clean-correct samples with an adversarial, sorted ascending. */
    public double[] foundDistances() {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < distances.length; i++) {
            if (cleanCorrect[i] && Double.isFinite(distances[i])) out.add(distances[i]);
        }
        return out.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    /** Median of {@link #foundDistances()}; NaN when there are none. */
    public double medianDistance() {
        double[] f = foundDistances();
        if (f.length == 0) return Double.NaN;
        return f.length % 2 == 1 ? f[f.length / 2] : (f[f.length / 2 - 1] + f[f.length / 2]) / 2;
    }

    /**
     * rho_adv: the mean of ||delta|| / ||x|| over the clean-correct samples with an adversarial.
     * Samples without one are left out (and counted by {@link #notFound()}), as in DeepFool's paper;
     * NaN when there are none.
     */
    public double empiricalRobustness() {
        double sum = 0;
        int k = 0;
        for (int i = 0; i < distances.length; i++) {
            if (cleanCorrect[i] && Double.isFinite(distances[i]) && inputNorms[i] > 0) {
                sum += distances[i] / inputNorms[i];
                k++;
            }
        }
        return k == 0 ? Double.NaN : sum / k;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%s on %s: median %s distance %.4f, rho_adv %.4f, %d of %d without adversarial",
                result.description(), result.victim(), result.norm().label(), medianDistance(), empiricalRobustness(),
                notFound(), Arrays.stream(distances).filter(Double::isFinite).count() + notFound());
    }
}
