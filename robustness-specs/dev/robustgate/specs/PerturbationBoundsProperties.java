package dev.robustgate.specs;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.EpsResult;
import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.fixture.Victims;
import dev.robustgate.jqwik.FgsmConfig;
import dev.robustgate.jqwik.PgdConfig;
import dev.robustgate.jqwik.RobustGateDomain;
import dev.robustgate.junit.RobustnessSpec;
import dev.robustgate.model.DifferentiableClassifier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Tag;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The threat model holds for any configuration: every adversarial stays in its eps-ball and in
 * [0,1], eps = 0 changes nothing, and a seed fixes the result. Run on fashion-lenet itself, on 8
 * seeded test images, so that the gate checks the very model it certifies.
 */
@Domain(RobustGateDomain.class)
@Tag(RobustnessSpec.TAG)
class PerturbationBoundsProperties {
    /** float32 rounding of x + delta can overshoot the radius by one ulp of a pixel. */
    private static final double TOLERANCE = 1e-6;

    private static DifferentiableClassifier model;
    private static Dataset batch;

    @BeforeContainer
    static void loadVictim() {
        model = Victims.standard().get("fashion-lenet").model();
        batch = Victims.standard().data().load("fashion-mnist", Split.TEST).sample(8, 11);
    }

    @Property(tries = 40)
    void pgdStaysInsideTheBallAndTheBox(@ForAll PgdConfig config) {
        AttackResult result = config.attack().run(model, batch);
        EpsResult r = result.single();
        assertThat(r.maxDistance(config.norm(), batch.features()))
                .as("max %s distance of %s", config.norm().label(), config)
                .isLessThanOrEqualTo(config.eps() + TOLERANCE);
        assertThat(r.adversarial().minNumber().doubleValue()).as("min pixel").isGreaterThanOrEqualTo(0.0);
        assertThat(r.adversarial().maxNumber().doubleValue()).as("max pixel").isLessThanOrEqualTo(1.0);
    }

    @Property(tries = 40)
    void fgsmStaysInsideTheBallAndTheBox(@ForAll FgsmConfig config) {
        EpsResult r = config.attack().run(model, batch).single();
        assertThat(r.maxDistance(config.norm(), batch.features())).isLessThanOrEqualTo(config.eps() + TOLERANCE);
        assertThat(r.adversarial().minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
        assertThat(r.adversarial().maxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
    }

    @Property(tries = 10)
    void epsZeroIsTheIdentity(@ForAll PgdConfig config) {
        PgdConfig zero = new PgdConfig(config.norm(), 0.0, config.steps(), config.stepFraction(), config.randomStart(), config.seed());
        EpsResult r = zero.attack().run(model, batch).single();
        assertThat(r.adversarial()).isEqualTo(batch.features());
        assertThat(r.gradientEvaluations()).isZero();
    }

    @Property(tries = 10)
    void theSameSeedGivesTheSameAdversarial(@ForAll PgdConfig config) {
        EpsResult a = config.attack().run(model, batch).single();
        EpsResult b = config.attack().run(model, batch).single();
        assertThat(a.adversarial()).isEqualTo(b.adversarial());
        assertThat(a.predictions()).isEqualTo(b.predictions());
    }
}
