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
import java.util.function.Supplier;

/**
 * Clean, FGSM and PGD accuracy of a model on a sample, each measured at most once per JVM and
 * shared by the defense specs (each compares several victims, and attacking the same one twice is
 * wasted time). Attacks: FGSM-Linf sweep up to eps 0.2 (gates at 0.1); PGD-Linf eps 0.1,
 * 40 x 0.01, random start, seed 2024: the spine's standard evaluation, stronger than the 5-step
 * PGD used in training.
 */
final class DefenseMeasurements {
    static final double EPS = 0.1;
    static final double[] FGSM_SWEEP = {0.0, 0.02, 0.05, 0.1, 0.15, 0.2};

    private static final Map<String, Object> MEASURED = new ConcurrentHashMap<>();

    private final DifferentiableClassifier model;
    private final Dataset test;

    private DefenseMeasurements(DifferentiableClassifier model, Dataset test) {
        this.model = model;
        this.test = test;
    }

    static DefenseMeasurements of(DifferentiableClassifier model, Dataset test) {
        return new DefenseMeasurements(model, test);
    }

    Proportion clean() {
        return memo("clean", () -> CleanAccuracy.of(model, test));
    }

    AttackResult fgsm() {
        return memo("fgsm", () -> FgsmAttack.linf().eps(FGSM_SWEEP).run(model, test));
    }

    AttackResult pgd() {
        return memo("pgd", () -> PgdAttack.linf().eps(EPS).steps(40).stepSize(0.01).randomStart(true).seed(2024).run(model, test));
    }

    Proportion fgsmAccuracy() {
        return RobustAccuracy.of(fgsm(), EPS);
    }

    Proportion pgdAccuracy() {
        return RobustAccuracy.of(pgd());
    }

    @SuppressWarnings("unchecked")
    private <T> T memo(String what, Supplier<T> measure) {
        // The attack substitution (a test seam that breaks every attack) is part of the key: a broken attack's numbers
        // must never be served to a real run in the same JVM, nor the other way round.
        String substitute = System.getProperty("robustgate.test.attack-substitute", "");
        return (T) MEASURED.computeIfAbsent(what + "|" + model.name() + "|" + test.contentHash() + "|" + substitute, k -> measure.get());
    }
}
