package dev.robustgate.jqwik;

import dev.robustgate.attack.Norm;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Provide;
import net.jqwik.api.domains.DomainContextBase;

/**
 * Lets a property ask for attack configurations by type:
 * {@code @Property @Domain(RobustGateDomain.class) void p(@ForAll PgdConfig config)}.
 */
public class RobustGateDomain extends DomainContextBase {
    @Provide
    Arbitrary<PgdConfig> pgdConfigs() {
        return RobustGateArbitraries.pgdConfigs();
    }

    @Provide
    Arbitrary<FgsmConfig> fgsmConfigs() {
        return RobustGateArbitraries.fgsmConfigs();
    }

    @Provide
    Arbitrary<Norm> norms() {
        return RobustGateArbitraries.norms();
    }
}
