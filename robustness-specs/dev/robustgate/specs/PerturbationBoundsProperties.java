package dev.robustgate.specs;

import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.EpsResult;
import dev.robustgate.attack.FgsmAttack;
import dev.robustgate.attack.Norm;
import dev.robustgate.attack.PgdAttack;
import dev.robustgate.attack.TargetSelection;
import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.fixture.Victims;
import dev.robustgate.jqwik.FgsmConfig;
import dev.robustgate.jqwik.PgdConfig;
import dev.robustgate.jqwik.RobustGateDomain;
import dev.robustgate.junit.RobustnessSpec;
import dev.robustgate.model.DifferentiableClassifier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tag;
import net.jqwik.api.domains.Domain;
import net.jqwik.api.lifecycle.BeforeContainer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The threat model holds for any configuration: every adversarial stays in its eps-ball and in
 * [0,1], eps = 0 changes nothing, and a seed fixes the result. Run on fashion-lenet itself, on 8
 * seeded test images, so that the gate checks the very model it certifies.
 * The bounds alone hold for an attack that returns its input, so the strength properties also ask
 * the attacks to move the prediction where they must at budgets where the undefended model has no
 * defense (FGSM at Linf 0.1 leaves 0.199 of 1000 images correct, PGD 0.035: FashionLeNetSpec):
 * untargeted away from the label, targeted onto the target. The identity attack and random noise of
 * the same budget fail them (BrokenAttackSubstitutionTest).
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

    /** Linf radii 0.08-0.15 or L2 radii 1.5-2.5 (DeepFool's median minimal L2 on this model: 0.674). */
    @Provide
    Arbitrary<PgdConfig> strongPgd() {
        return Arbitraries.of(Norm.LINF, Norm.L2).flatMap(norm -> Combinators.combine(
                        norm == Norm.LINF ? Arbitraries.doubles().between(0.08, 0.15).ofScale(3)
                                : Arbitraries.doubles().between(1.5, 2.5).ofScale(2),
                        Arbitraries.integers().between(10, 20),
                        Arbitraries.doubles().between(0.1, 0.25).ofScale(2),
                        Arbitraries.of(false, true),
                        Arbitraries.longs().between(0, Long.MAX_VALUE))
                .as((eps, steps, frac, rs, seed) -> new PgdConfig(norm, eps, steps, frac, rs, seed)));
    }

    /** Reaching a chosen class takes more: Linf 0.15-0.25 or L2 3-5, 20-40 steps that together travel at least eps. */
    @Provide
    Arbitrary<PgdConfig> strongTargetedPgd() {
        return Arbitraries.of(Norm.LINF, Norm.L2).flatMap(norm -> Combinators.combine(
                        norm == Norm.LINF ? Arbitraries.doubles().between(0.15, 0.25).ofScale(3)
                                : Arbitraries.doubles().between(3.0, 5.0).ofScale(2),
                        Arbitraries.integers().between(20, 40),
                        Arbitraries.doubles().between(0.05, 0.15).ofScale(2),
                        Arbitraries.of(false, true),
                        Arbitraries.longs().between(0, Long.MAX_VALUE))
                .as((eps, steps, frac, rs, seed) -> new PgdConfig(norm, eps, steps, frac, rs, seed)));
    }

    @Provide
    Arbitrary<Long> targetSeeds() {
        return Arbitraries.longs().between(0, Long.MAX_VALUE);
    }

    @Provide
    Arbitrary<Double> strongLinfEps() {
        return Arbitraries.doubles().between(0.1, 0.15).ofScale(3);
    }

    /** At least half of the correctly classified samples must be moved; none is wasted on the misclassified. */
    private static void movedAtLeastHalf(EpsResult r, String what) {
        assertThat(r.cleanCorrectCount()).as("correctly classified of %d", batch.size()).isGreaterThanOrEqualTo(batch.size() / 2);
        assertThat(2 * r.successOnCleanCorrect()).as("%s: twice the %d successes among %d correctly classified", what,
                r.successOnCleanCorrect(), r.cleanCorrectCount()).isGreaterThanOrEqualTo(r.cleanCorrectCount());
    }

    @Property(tries = 8)
    void pgdMovesThePredictionAwayFromTheLabel(@ForAll("strongPgd") PgdConfig config) {
        EpsResult r = config.attack().run(model, batch).single();
        movedAtLeastHalf(r, config.toString());
        int[] labels = r.labels(), predictions = r.predictions();
        for (int i = 0; i < r.size(); i++) {
            if (r.success(i)) assertThat(predictions[i]).as("%s, success of sample %d", config, i).isNotEqualTo(labels[i]);
        }
    }

    @Property(tries = 8)
    void targetedPgdMovesThePredictionOntoTheTarget(@ForAll("strongTargetedPgd") PgdConfig config, @ForAll("targetSeeds") long targetSeed) {
        PgdAttack targeted = config.attack().targeted(TargetSelection.random(targetSeed));
        AttackResult result = targeted.run(model, batch);
        EpsResult r = result.single();
        movedAtLeastHalf(r, targeted.describe());
        for (int i = 0; i < r.size(); i++) {
            var s = r.sample(i);
            assertThat(s.target()).as("target of sample %d", i).isNotNull().isNotEqualTo(s.label());
            if (s.success()) assertThat(s.adversarialPrediction()).as("%s, success of sample %d", targeted.describe(), i).isEqualTo(s.target());
        }
    }

    @Property(tries = 6)
    void fgsmMovesThePredictionAwayFromTheLabel(@ForAll("strongLinfEps") double eps) {
        EpsResult r = FgsmAttack.linf().eps(eps).run(model, batch).single();
        movedAtLeastHalf(r, "FGSM-Linf eps " + eps);
    }
}
