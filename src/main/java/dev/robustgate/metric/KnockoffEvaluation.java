package dev.robustgate.metric;

import dev.robustgate.data.Dataset;
import dev.robustgate.extraction.KnockoffNets;
import dev.robustgate.model.Classifier;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs a Knockoff Nets theft against a prediction API and scores the copy at every checkpoint:
 * agreement with the victim and task accuracy on held-out test images. Scoring uses the victim
 * itself ({@code reference}), not the API, so that evaluation never spends the thief's budget.
 */
public final class KnockoffEvaluation {
    private KnockoffEvaluation() {}

    /** The copy after {@code queries} queries. */
    public record Point(long queries, Proportion agreement, Proportion accuracy) {}

    public record Report(String victim, String strategy, KnockoffNets.Labels labels, long queriesUsed,
                         Proportion agreement, Proportion knockoffAccuracy, Proportion victimAccuracy,
                         List<Point> curve) {}

    public static Report run(KnockoffNets thief, Classifier api, Classifier reference, Dataset test) {
        List<Point> curve = new ArrayList<>();
        // The reference is predicted once; each checkpoint's knockoff once, for both of its numbers.
        int[] victim = CleanAccuracy.predictions(reference, test);
        KnockoffNets.Result result = thief.run(api, cp -> {
            int[] copy = CleanAccuracy.predictions(cp.knockoff(), test);
            String name = cp.knockoff().name();
            curve.add(new Point(cp.queries(), Agreement.of(name, copy, reference.name(), victim),
                    CleanAccuracy.of(name, copy, test)));
        });
        Point last = curve.get(curve.size() - 1);
        return new Report(reference.name(), result.strategy(), result.labels(), result.queriesUsed(),
                last.agreement(), last.accuracy(), CleanAccuracy.of(reference.name(), victim, test), List.copyOf(curve));
    }
}
