package dev.robustgate.jqwik;

import dev.robustgate.attack.Norm;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Generators for threat-model parameters. They shrink towards the simplest case (eps 0, one step,
 * no random start, seed 0), so a failing property reports the smallest configuration that breaks.
 */
public final class RobustGateArbitraries {
    private RobustGateArbitraries() {}

    /** Linf radii for pixels in [0,1]: 0 up to 0.5, with the common gate values as edge cases. */
    public static Arbitrary<Double> linfEpsilons() {
        return Arbitraries.doubles().between(0.0, 0.5).ofScale(4)
                .edgeCases(c -> c.add(0.0).add(8.0 / 255).add(0.1).add(0.3));
    }

    /** L2 radii: 0 up to 5 (an MNIST-sized image's L2 norm is around 9). */
    public static Arbitrary<Double> l2Epsilons() {
        return Arbitraries.doubles().between(0.0, 5.0).ofScale(3).edgeCases(c -> c.add(0.0).add(0.5).add(2.0));
    }

    public static Arbitrary<Double> epsilons(Norm norm) {
        return norm == Norm.LINF ? linfEpsilons() : l2Epsilons();
    }

    /** The Lp norms with a ball geometry (L0 is JSMA's count of changed features, not a ball). */
    public static Arbitrary<Norm> norms() {
        return Arbitraries.of(Norm.LINF, Norm.L2);
    }

    public static Arbitrary<Long> seeds() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE).shrinkTowards(0);
    }

    public static Arbitrary<PgdConfig> pgdConfigs() {
        return norms().flatMap(norm -> Combinators.combine(
                        epsilons(norm),
                        Arbitraries.integers().between(1, 10),
                        Arbitraries.doubles().between(0.05, 1.0).ofScale(2),
                        Arbitraries.of(false, true),
                        seeds())
                .as((eps, steps, frac, rs, seed) -> new PgdConfig(norm, eps, steps, frac, rs, seed)));
    }

    public static Arbitrary<FgsmConfig> fgsmConfigs() {
        return norms().flatMap(norm -> epsilons(norm).map(eps -> new FgsmConfig(norm, eps)));
    }
}
