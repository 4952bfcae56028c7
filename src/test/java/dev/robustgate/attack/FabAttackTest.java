package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.junit.AttackResultAssert;
import dev.robustgate.metric.MinimalPerturbation;
import dev.robustgate.model.Dl4jClassifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** FAB-T: the boxed projections are exact, the attack keeps the invariants, and finds small perturbations. */
class FabAttackTest {
    private static Dl4jClassifier model;
    private static Dataset data;

    @BeforeAll
    static void load() {
        model = TestModels.smallMlp();
        data = TestModels.fashionTest(16, 61);
    }

    @Test
    void projectionsReachTheHyperplaneInsideTheBoxWithTheLeastNorm() {
        SplittableRandom rnd = new SplittableRandom(3);
        for (Norm norm : new Norm[]{Norm.LINF, Norm.L2}) {
            for (int trial = 0; trial < 200; trial++) {
                int n = 1 + rnd.nextInt(12);
                double[] t = new double[n], w = new double[n];
                for (int i = 0; i < n; i++) {
                    t[i] = rnd.nextDouble();
                    w[i] = rnd.nextInt(5) == 0 ? 0 : rnd.nextDouble() * 2 - 1;
                }
                double wt = 0;
                for (int i = 0; i < n; i++) wt += w[i] * t[i];
                double b = wt + (rnd.nextDouble() - 0.5) * 0.6;
                double[] d = BoxedHyperplane.step(t, w, b, norm);
                double reach = 0;
                double maxReach = 0; // the most the box allows towards the plane
                for (int i = 0; i < n; i++) {
                    assertThat(t[i] + d[i]).isBetween(-1e-12, 1 + 1e-12);
                    reach += w[i] * (t[i] + d[i]);
                    maxReach += Math.abs(w[i]) * (Math.signum(w[i]) * Math.signum(b - wt) > 0 ? 1 - t[i] : t[i]);
                }
                if (maxReach >= Math.abs(b - wt) + 1e-9) {
                    assertThat(reach).as("%s trial %d on the plane", norm, trial).isCloseTo(b, within(1e-9));
                    // Least norm: no random feasible point on the plane inside the box is closer.
                    double size = FabSearch.distance(d, null, norm);
                    for (int probe = 0; probe < 50; probe++) {
                        double[] q = feasibleOnPlane(t, w, b, d, rnd);
                        if (q != null) assertThat(FabSearch.distance(q, null, norm)).isGreaterThanOrEqualTo(size - 1e-9);
                    }
                }
            }
        }
    }

    /** d plus a random move within the plane, scaled to stay in the box; null when it leaves. */
    private static double[] feasibleOnPlane(double[] t, double[] w, double b, double[] d, SplittableRandom rnd) {
        int n = t.length;
        double[] v = new double[n];
        double vw = 0, ww = 0;
        for (int i = 0; i < n; i++) {
            v[i] = rnd.nextDouble() - 0.5;
            vw += v[i] * w[i];
            ww += w[i] * w[i];
        }
        double[] q = new double[n];
        for (int i = 0; i < n; i++) {
            q[i] = d[i] + 0.2 * (v[i] - (ww == 0 ? 0 : vw / ww * w[i]));
            if (t[i] + q[i] < 0 || t[i] + q[i] > 1) return null;
        }
        return q;
    }

    @Test
    void keepsTheAttackInvariantsInLinfAndL2() {
        AttackResultAssert.invariantsOf(FabAttack.linf().eps(0, 0.05, 0.2).steps(10).targetClasses(2), model, data);
        AttackResultAssert.invariantsOf(FabAttack.l2().eps(0, 1.0).steps(10).targetClasses(2).restarts(2), model, data);
    }

    @Test
    void findsPerturbationsNoLargerThanPgdNeedsAndReportsThem() {
        AttackResult fab = FabAttack.linf().eps(0.1).steps(30).targetClasses(3).run(model, data);
        MinimalPerturbation mp = MinimalPerturbation.of(fab);
        assertThat(mp.notFound()).as("%s", mp).isLessThan(data.size() / 2);
        // Every clean-correct sample PGD breaks at 0.1, FAB breaks at 0.1 or finds it just above.
        EpsResult pgd = PgdAttack.linf().eps(0.1).steps(40).run(model, data).single();
        assertThat(fab.single().robustCount()).isLessThanOrEqualTo(pgd.robustCount() + 2);
    }
}
