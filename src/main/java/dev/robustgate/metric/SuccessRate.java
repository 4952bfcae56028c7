package dev.robustgate.metric;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.EpsResult;

/**
 * Fraction of the samples the model classified correctly that the attack broke: samples the model
 * already gets wrong say nothing about the attack, so they are left out of the denominator.
 */
public final class SuccessRate {
    private SuccessRate() {}

    public static Proportion of(AttackResult result, double eps) {
        EpsResult r = result.at(eps);
        int n = r.cleanCorrectCount();
        if (n == 0) {
            throw new IllegalStateException("success rate is undefined: " + result.victim()
                    + " classifies none of the " + r.size() + " samples correctly");
        }
        return Proportion.of("attack success rate", result.victim(), r.description(), r.successOnCleanCorrect(), n);
    }

    public static Proportion of(AttackResult result) {
        return of(result, result.single().eps());
    }
}
