package dev.robustgate.jqwik;

import dev.robustgate.attack.FgsmAttack;
import dev.robustgate.attack.Norm;

/** An FGSM configuration as a value. */
public record FgsmConfig(Norm norm, double eps) {
    public FgsmAttack attack() {
        return FgsmAttack.of(norm).eps(eps);
    }

    @Override
    public String toString() {
        return "FGSM-" + norm.label() + "(eps=" + eps + ")";
    }
}
