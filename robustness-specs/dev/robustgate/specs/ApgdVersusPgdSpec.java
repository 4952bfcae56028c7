package dev.robustgate.specs;

import dev.robustgate.attack.ApgdAttack;
import dev.robustgate.attack.EpsResult;
import dev.robustgate.attack.PgdAttack;
import dev.robustgate.data.Dataset;
import dev.robustgate.junit.RobustnessSpec;
import dev.robustgate.junit.Samples;
import dev.robustgate.junit.Victim;
import dev.robustgate.model.DifferentiableClassifier;
import org.apache.commons.math3.distribution.BinomialDistribution;
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
        EpsResult pgd = PgdAttack.linf().eps(eps).run(model, test).single();
        EpsResult apgd = ApgdAttack.linf().eps(eps).run(model, test).single();
        int onlyApgd = 0;
        int onlyPgd = 0;
        for (int i = 0; i < test.size(); i++) {
            boolean brokeApgd = !apgd.sample(i).robust();
            boolean brokePgd = !pgd.sample(i).robust();
            if (brokeApgd && !brokePgd) onlyApgd++;
            if (brokePgd && !brokeApgd) onlyPgd++;
        }
        double p = onlyApgd == 0 ? 1.0 : 1.0 - new BinomialDistribution(null, onlyApgd + onlyPgd, 0.5).cumulativeProbability(onlyApgd - 1);
        String evidence = String.format(Locale.ROOT, "eps %s over %d samples: robust %d under %s (%d gradient evaluations) vs %d under %s (%d); "
                        + "broken only by APGD %d, only by PGD %d, sign test p=%.3g",
                eps, test.size(), apgd.robustCount(), apgd.description(), apgd.gradientEvaluations(), pgd.robustCount(),
                pgd.description(), pgd.gradientEvaluations(), onlyApgd, onlyPgd, p);
        System.out.println("[ApgdVersusPgdSpec] " + evidence);
        assertThat(apgd.robustCount()).as(evidence).isLessThanOrEqualTo(pgd.robustCount());
        assertThat(p).as(evidence).isLessThan(0.05);
    }
}
