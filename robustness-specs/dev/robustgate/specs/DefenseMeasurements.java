package dev.robustgate.specs;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.FgsmAttack;
import dev.robustgate.attack.PgdAttack;
import dev.robustgate.data.Dataset;
import dev.robustgate.metric.CleanAccuracy;
import dev.robustgate.metric.Proportion;
import dev.robustgate.metric.RobustAccuracy;
import dev.robustgate.model.DifferentiableClassifier;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Clean, FGSM and PGD accuracy of a model on a sample, measured once per JVM and shared by the
 * defense specs (each compares several victims, and attacking the same one twice is wasted time).
 * Attacks: FGSM-Linf sweep up to eps 0.2 (gate at 0.1); PGD-Linf eps 0.1, 40 x 0.01, random start,
 * seed 2024: the spine's standard evaluation, stronger than the 5-step PGD used in training.
 */
record DefenseMeasurements(Proportion clean, AttackResult fgsm, AttackResult pgd) {
    static final double EPS = 0.1;
    static final double[] FGSM_SWEEP = {0.0, 0.02, 0.05, 0.1, 0.15, 0.2};

    private static final Map<String, DefenseMeasurements> MEASURED = new ConcurrentHashMap<>();

    static DefenseMeasurements of(DifferentiableClassifier model, Dataset test) {
        return MEASURED.computeIfAbsent(model.name() + "|" + test.contentHash(), k -> new DefenseMeasurements(
                CleanAccuracy.of(model, test),
                FgsmAttack.linf().eps(FGSM_SWEEP).run(model, test),
                PgdAttack.linf().eps(EPS).steps(40).stepSize(0.01).randomStart(true).seed(2024).run(model, test)));
    }

    Proportion fgsmAccuracy() {
        return RobustAccuracy.of(fgsm, EPS);
    }

    Proportion pgdAccuracy() {
        return RobustAccuracy.of(pgd);
    }
}
