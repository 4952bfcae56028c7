package dev.robustgate.jqwik;

import dev.robustgate.attack.Norm;
import dev.robustgate.attack.PgdAttack;

import java.util.Locale;

/** A PGD configuration as a value, so a shrunk counterexample prints as one readable line. */
public record PgdConfig(Norm norm, double eps, int steps, double stepFraction, boolean randomStart, long seed) {

    /** The attack; its step size is {@code stepFraction * eps} so every generated step fits its ball. */
    public PgdAttack attack() {
        PgdAttack a = PgdAttack.of(norm).eps(eps).steps(steps).randomStart(randomStart).seed(seed);
        return eps > 0 ? a.stepSize(stepFraction * eps) : a;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "PGD-%s(eps=%s, %d steps x %.2f eps, %s, seed %d)", norm.label(), eps, steps,
                stepFraction, randomStart ? "random start" : "no random start", seed);
    }
}
