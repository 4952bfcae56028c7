package dev.robustgate.attack.spi;

import dev.robustgate.attack.*;

import dev.robustgate.data.Dataset;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.junit.AttackResultAssert;
import dev.robustgate.model.Dl4jClassifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The public SPI: the catalogue the CLI and README read, the runner's invariant checks on kernels a
 * user writes, the test seam that substitutes every attack, and AttackResultAssert catching what it
 * claims to catch.
 */
class AttackSpiTest {
    /** The one test seam (AttackSubstitution, read in AttackRunner). */
    private static final String SUBSTITUTE = "robustgate.test.attack-substitute";
    private static Dl4jClassifier model;
    private static Dataset data;

    @BeforeAll
    static void load() {
        model = TestModels.smallMlp();
        data = TestModels.fashionTest(12, 41);
    }

    @Test
    void readmeListsTheCatalogueAsItIs() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme).as("README's attack table is AttackCatalogue.markdownTable(); regenerate it")
                .contains(AttackCatalogue.markdownTable());
    }

    @Test
    void everyEntryBuildsFromItsDefaultsInEachOfItsNorms() {
        for (AttackCatalogue.Entry e : AttackCatalogue.entries()) {
            for (Norm n : e.norms()) {
                Attack a = AttackCatalogue.create(e.name(), AttackCatalogue.request(n, n == Norm.L0 ? 0.05 : 0.1));
                assertThat(a.norm()).as(e.name()).isEqualTo(n);
                assertThat(a.epsilons()).as(e.name()).containsExactly(n == Norm.L0 ? 0.05 : 0.1);
            }
        }
    }

    @Test
    void catalogueDefaultsAreTheLibrarys() {
        PgdAttack pgd = (PgdAttack) AttackCatalogue.create("pgd", AttackCatalogue.request(Norm.LINF, 0.1));
        assertThat(pgd.describe()).isEqualTo(PgdAttack.linf().eps(0.1).describe());
        Attack given = AttackCatalogue.create("pgd", AttackCatalogue.request(Norm.LINF, 0.1).option("steps", "7"));
        assertThat(((PgdAttack) given).steps()).isEqualTo(7);
    }

    @Test
    void badRequestsFailWithOneLineNamingTheProblem() {
        assertThatThrownBy(() -> AttackCatalogue.create("nope", AttackCatalogue.request(Norm.LINF, 0.1)))
                .hasMessageContaining("unknown attack 'nope'").hasMessageContaining("pgd");
        assertThatThrownBy(() -> AttackCatalogue.create("fgsm", AttackCatalogue.request(Norm.LINF, 0.1).option("queries", "5")))
                .hasMessageContaining("--queries applies to --attack square");
        assertThatThrownBy(() -> AttackCatalogue.create("square", AttackCatalogue.request(Norm.L2, 0.1)))
                .hasMessageContaining("square measures Linf");
        assertThatThrownBy(() -> AttackCatalogue.create("pgd", AttackCatalogue.request(Norm.LINF, 0.1).option("steps", "x")))
                .hasMessageContaining("--steps must be an integer, got 'x'");
    }

    @Test
    void pgdKeepsEveryInvariantThroughThePublicAssert() {
        AttackResultAssert.invariantsOf(PgdAttack.linf().eps(0, 0.1).steps(5), model, data);
    }

    @Test
    void theRunnerRejectsAKernelThatLeavesTheBall() {
        Attack outside = userAttack((m, batch, eps) -> {
            var adv = batch.inputs().dup().addi(2 * eps);
            Box.clipInPlace(adv);
            return new BatchOutcome(adv, batch.labels().clone(), new boolean[batch.size()], new int[batch.size()], 0, 0);
        });
        assertThatThrownBy(() -> outside.run(model, data)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("left the Linf ball");
    }

    @Test
    void theAssertCatchesAnAttackThatDependsOnItsBatch() {
        // Attacks (FGSM at 0.4) only the rows at odd positions of its batch: keyed by position, not sample id.
        Attack positional = userAttack(0.4, (m, batch, eps) -> {
            int k = batch.size();
            var g = m.lossGradient(batch.inputs().reshape(batch.batchShape(k)), batch.labels()).reshape(k, batch.inputs().size(1));
            float[] odd = new float[k];
            for (int i = 0; i < k; i++) odd[i] = (float) (i % 2 == 1 ? eps : 0);
            var adv = org.nd4j.linalg.ops.transforms.Transforms.sign(g, false)
                    .muliColumnVector(org.nd4j.linalg.factory.Nd4j.create(odd, new long[]{k, 1})).addi(batch.inputs());
            Box.clipInPlace(adv);
            int[] pred = dev.robustgate.model.Predictions.argMax(m.logits(adv.reshape(batch.batchShape(k))));
            boolean[] success = new boolean[k];
            for (int i = 0; i < k; i++) success[i] = batch.reached(i, pred[i]);
            int[] grads = new int[k];
            java.util.Arrays.fill(grads, 1);
            return new BatchOutcome(adv, pred, success, grads, k, 0);
        });
        AttackResult whole = positional.run(model, data);
        int[] odd = {1, 3, 5, 7, 9, 11};
        AttackResult part = positional.run(model, data.subsetKeepingIds(odd, "odd"));
        assertThatThrownBy(() -> AttackResultAssert.assertThatAttackResult(whole).agreesPerSampleWith(part))
                .isInstanceOf(AssertionError.class).hasMessageContaining("differs when run with other samples");
    }

    @Test
    void theSubstituteSeamReplacesEveryAttackRunByTheRunner() {
        Attack pgd = PgdAttack.linf().eps(0.1).steps(5);
        String old = System.getProperty(SUBSTITUTE);
        try {
            System.setProperty(SUBSTITUTE, "noop");
            EpsResult noop = pgd.run(model, data).single();
            assertThat(noop.adversarial()).isEqualTo(data.features());
            assertThat(noop.gradientEvaluations()).isZero();
            System.setProperty(SUBSTITUTE, "noise");
            AttackResult noise = WorstCaseOf.of(pgd, FgsmAttack.linf().eps(0.1)).run(model, data);
            AttackResultAssert.assertThatAttackResult(noise).isInsideTheBall().isInsideTheBox().reportsTheModelsPredictions(model);
            assertThat(noise.single().maxDistance()).isGreaterThan(0.09);
            assertThat(noise.single().gradientEvaluations()).isZero();
            System.setProperty(SUBSTITUTE, "nope");
            assertThatThrownBy(() -> pgd.run(model, data)).hasMessageContaining(SUBSTITUTE)
                    .hasMessageContaining("noop or noise");
        } finally {
            if (old == null) System.clearProperty(SUBSTITUTE); else System.setProperty(SUBSTITUTE, old);
        }
    }

    /** An attack written outside the library's attacks, on the public SPI only. */
    private static Attack userAttack(AttackKernel.PerEps kernel) {
        return userAttack(0.1, kernel);
    }

    private static Attack userAttack(double radius, AttackKernel.PerEps kernel) {
        return new ConfiguredAttack(AttackSettings.of(Norm.LINF).withEps(radius)) {
            @Override public String name() { return "User"; }
            @Override protected String describeWith(String eps) { return "User(" + eps + ")"; }
            @Override public AttackResult run(dev.robustgate.model.DifferentiableClassifier m, Dataset d) {
                return AttackRunner.run(this, settings, 1, AttackKernel.eachEps(kernel), m, d);
            }
        };
    }

    @Test
    void resultBuilderMeasuresDistancesItself() {
        var clean = data.features();
        var adv = clean.dup();
        int n = data.size();
        EpsResult r = EpsResult.builder(0.1, "built", Norm.LINF).inputs(clean, adv).labels(data.labels(), data.labels())
                .outcome(data.labels(), new boolean[n]).cost(new int[n], n, 0).build();
        assertThat(r.maxDistance()).isZero();
        assertThat(r.robustCount()).isEqualTo(n);
        assertThatThrownBy(() -> EpsResult.builder(0.1, "bad", Norm.LINF).inputs(clean, adv).labels(new int[1], new int[1])
                .outcome(new int[1], new boolean[1]).cost(new int[1], 1, 0).build()).hasMessageContaining(n + " samples");
        assertThat(List.of(r.size())).containsExactly(n);
    }
}
