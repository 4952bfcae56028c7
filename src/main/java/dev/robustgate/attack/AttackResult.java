package dev.robustgate.attack;

import org.apiguardian.api.API;
import dev.robustgate.data.Dataset;
import dev.robustgate.model.EvaluationCounter.Counts;

import java.util.List;
import java.util.Map;

/** Everything one {@link Attack#run} produced: a result per eps over the same samples. */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
public record AttackResult(String attack, String description, Map<String, String> parameters, Norm norm,
                           String victim, Dataset data, int[] cleanPredictions, List<EpsResult> perEps,
                           Counts cost, double seconds) {

    public List<Double> epsilons() {
        return perEps.stream().map(EpsResult::eps).toList();
    }

    public EpsResult at(double eps) {
        for (EpsResult r : perEps) {
            if (Math.abs(r.eps() - eps) <= 1e-12) return r;
        }
        throw new IllegalArgumentException("eps " + eps + " was not evaluated by " + description
                + "; evaluated: " + epsilons());
    }

    /** The only result of a single-eps run. */
    public EpsResult single() {
        if (perEps.size() != 1) {
            throw new IllegalStateException(description + " evaluated " + epsilons() + ": name the eps with at(eps)");
        }
        return perEps.get(0);
    }

    public int cleanCorrect() {
        int k = 0;
        int[] labels = data.labels();
        for (int i = 0; i < labels.length; i++) if (cleanPredictions[i] == labels[i]) k++;
        return k;
    }
}
