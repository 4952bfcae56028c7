package dev.robustgate.metric;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.EpsResult;

/** Fraction of all evaluated samples still classified correctly under the attack. */
public final class RobustAccuracy {
    private RobustAccuracy() {}

    public static Proportion of(AttackResult result, double eps) {
        EpsResult r = result.at(eps);
        return Proportion.of("robust accuracy", result.victim(), r.description(), r.robustCount(), r.size());
    }

    public static Proportion of(AttackResult result) {
        return of(result, result.single().eps());
    }
}
