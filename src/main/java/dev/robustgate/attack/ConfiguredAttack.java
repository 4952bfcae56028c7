package dev.robustgate.attack;

import org.apiguardian.api.API;

import java.util.List;
import java.util.Map;

/**
 * What RobustGate's attacks share: their {@link AttackSettings} (norm, radii, targets, batch size)
 * and the descriptions and report parameters built from them, so that each attack only names
 * what is its own.
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
public abstract class ConfiguredAttack implements Attack {
    protected final AttackSettings settings;

    protected ConfiguredAttack(AttackSettings settings) {
        this.settings = settings;
    }

    @Override public Norm norm() { return settings.norm(); }
    @Override public List<Double> epsilons() { return settings.epsilons(); }

    @Override
    public String describe() {
        return describeWith(settings.epsLabel());
    }

    @Override
    public String describeAt(double eps) {
        return describeWith(AttackSettings.epsLabel(eps));
    }

    /** The description with the radii named by {@code eps}, e.g. "PGD-Linf(eps=0.1, 40x0.01, seed 7)". */
    protected abstract String describeWith(String eps);

    @Override
    public final Map<String, String> parameters() {
        Map<String, String> p = settings.parameters(name());
        addParameters(p);
        return p;
    }

    /** Appends the attack's own parameters, in report order, after the shared ones. */
    protected void addParameters(Map<String, String> p) {
    }
}
