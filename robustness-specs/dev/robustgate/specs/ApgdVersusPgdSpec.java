package dev.robustgate.specs;

import dev.robustgate.attack.ApgdAttack;
import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.EpsResult;
import dev.robustgate.attack.PgdAttack;
import dev.robustgate.data.Dataset;
import dev.robustgate.junit.RobustnessSpec;
import dev.robustgate.metric.MaskingCheck;
import dev.robustgate.metric.MaskingDecisions;
import dev.robustgate.junit.Samples;
import dev.robustgate.junit.Victim;
import dev.robustgate.model.DifferentiableClassifier;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * APGD-CE (parameter-free, 100 steps) must be at least as strong as PGD-40 (hand-set step 2.5 eps / 40)
 * on the same fashion-lenet samples, paired: it leaves no more samples robust, and the samples it
 * breaks that PGD does not outnumber the reverse significantly (one-sided sign test, p &lt; 0.05).
 * Measured with the CLI on the first 1000 test images (issue-13 note): eps 0.03, robust 0.446 under
 * APGD-CE vs 0.481 under PGD-40, 35 broken only by APGD and 0 only by PGD (p = 2.9e-11); eps 0.1,
 * 0.010 vs 0.017, 7 vs 0 (p = 0.0078). CI-sized here: {@value #SAMPLES} images (sample seed 7), at
 * eps 0.03 where the difference is large enough to show at that n; expected about 10 vs 0.
 */
@RobustnessSpec
@DisplayName("APGD-CE is at least as strong as PGD-40 on fashion-lenet (paired)")
class ApgdVersusPgdSpec {
    private static final int SAMPLES = 300;

    @ParameterizedTest(name = "Linf eps = {0}")
    @ValueSource(doubles = {0.03})
    void apgdLeavesNoMoreRobustThanPgd(double eps, @Victim("fashion-lenet") DifferentiableClassifier model,
                                       @Samples(value = SAMPLES, seed = 7) Dataset test) {
        AttackResult pgdRun = PgdAttack.linf().eps(eps).run(model, test);
        AttackResult apgdRun = ApgdAttack.linf().eps(eps).run(model, test);
        EpsResult pgd = pgdRun.single();
        EpsResult apgd = apgdRun.single();
        // The paired count and one-sided sign test the masking checks use ("the first breaks significantly more").
        MaskingCheck apgdBeatsPgd = MaskingDecisions.beats("APGD-CE beats PGD-40", apgdRun, pgdRun, eps, 0.05);
        String evidence = String.format(Locale.ROOT, "%s; gradient evaluations %d under APGD, %d under PGD",
                apgdBeatsPgd.evidence(), apgd.gradientEvaluations(), pgd.gradientEvaluations());
        System.out.println("[ApgdVersusPgdSpec] " + evidence);
        assertThat(apgd.robustCount()).as(evidence).isLessThanOrEqualTo(pgd.robustCount());
        assertThat(apgdBeatsPgd.suspected()).as("APGD breaks significantly more (sign test p < 0.05): " + evidence).isTrue();
    }
}
