package dev.robustgate.attack;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Scale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The norm-ball geometry the attacks rely on, on random rows. */
class PerturbationsProperties {

    private static INDArray randomRows(int m, int d, double scale, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[m * d];
        for (int i = 0; i < v.length; i++) v[i] = (float) ((rnd.nextDouble() * 2 - 1) * scale);
        return Nd4j.create(v, new long[]{m, d}, 'c');
    }

    @Property(tries = 60)
    void projectionLandsInTheBallAndKeepsPointsInside(@ForAll("lpNorms") Norm norm, @ForAll @IntRange(min = 1, max = 5) int m,
                                                      @ForAll @IntRange(min = 1, max = 300) int d,
                                                      @ForAll @DoubleRange(min = 0.0, max = 3.0) double eps,
                                                      @ForAll @DoubleRange(min = 0.001, max = 2.0) @Scale(4) double scale,
                                                      @ForAll long seed) {
        INDArray delta = randomRows(m, d, scale, seed);
        double[] before = norm.rowNorms(delta);
        INDArray original = delta.dup();
        INDArray projected = Perturbations.projectInPlace(delta, norm, eps);
        double[] after = norm.rowNorms(projected);
        for (int i = 0; i < m; i++) {
            assertThat(after[i]).isLessThanOrEqualTo(eps * (1 + 1e-6) + 1e-7);
            if (before[i] <= eps) {
                assertThat(projected.getRow(i)).isEqualTo(original.getRow(i));
            } else if (norm == Norm.L2) {
                // L2 projection scales onto the sphere: the direction is kept.
                assertThat(after[i]).isCloseTo(eps, org.assertj.core.api.Assertions.within(1e-5 * Math.max(1, eps)));
            }
        }
    }

    @Property(tries = 60)
    void steepestDirectionHasUnitSizeInItsNorm(@ForAll("lpNorms") Norm norm, @ForAll @IntRange(min = 1, max = 4) int m,
                                              @ForAll @IntRange(min = 1, max = 300) int d, @ForAll long seed) {
        INDArray g = randomRows(m, d, 1.0, seed);
        INDArray dir = Perturbations.steepestDirection(g.dup(), norm);
        double[] n = norm.rowNorms(dir);
        for (int i = 0; i < m; i++) {
            assertThat(n[i]).isCloseTo(1.0, org.assertj.core.api.Assertions.within(1e-5));
            // An ascent direction: positive inner product with the gradient.
            assertThat(dir.getRow(i).mul(g.getRow(i)).sumNumber().doubleValue()).isPositive();
        }
    }

    @Property(tries = 30)
    void randomStartIsInsideTheBallAndKeyedBySampleNotBatch(@ForAll("lpNorms") Norm norm,
                                                           @ForAll @DoubleRange(min = 0.001, max = 3.0) @Scale(4) double eps,
                                                           @ForAll long seed, @ForAll @IntRange(min = 0, max = 3) int restart) {
        int[] ids = {4, 17, 9};
        INDArray all = Perturbations.randomStart(ids, 784, norm, eps, seed, restart);
        INDArray one = Perturbations.randomStart(new int[]{17}, 784, norm, eps, seed, restart);
        assertThat(one.getRow(0)).isEqualTo(all.getRow(1));
        for (double r : norm.rowNorms(all)) assertThat(r).isLessThanOrEqualTo(eps * (1 + 1e-6));
        INDArray other = Perturbations.randomStart(ids, 784, norm, eps, seed, restart + 1);
        assertThat(other).isNotEqualTo(all);
        assertThat(all.dataType()).isEqualTo(DataType.FLOAT);
    }

    @Property(tries = 40)
    void projectAndClipStaysInBallAndBox(@ForAll("lpNorms") Norm norm, @ForAll @DoubleRange(min = 0.0, max = 2.0) double eps,
                                        @ForAll long seed) {
        INDArray x0 = randomRows(3, 50, 0.5, seed).addi(0.5f);
        INDArray candidate = x0.add(randomRows(3, 50, 1.5, seed + 1));
        INDArray adv = Perturbations.projectAndClip(x0, candidate, norm, eps);
        assertThat(adv.minNumber().doubleValue()).isGreaterThanOrEqualTo(0.0);
        assertThat(adv.maxNumber().doubleValue()).isLessThanOrEqualTo(1.0);
        for (double r : norm.rowNorms(adv.sub(x0))) assertThat(r).isLessThanOrEqualTo(eps * (1 + 1e-6) + 1e-6);
    }

    @Property(tries = 60)
    void onSphereIsAPointOfTheSphereDrawnFromItsStream(@ForAll("lpNorms") Norm norm, @ForAll @IntRange(min = 1, max = 300) int d,
                                                       @ForAll @DoubleRange(min = 0.001, max = 3.0) @Scale(4) double radius,
                                                       @ForAll long seed) {
        double[] p = Perturbations.onSphere(new SplittableRandom(seed), d, norm, radius);
        assertThat(p).hasSize(d);
        // Linf max |p_i|, L2 ||p||: the radius, up to the 1e-12 that keeps an all-zero draw finite.
        assertThat(FabSearch.distance(p, null, norm)).isCloseTo(radius, org.assertj.core.api.Assertions.within(1e-5 * radius));
        assertThat(Perturbations.onSphere(new SplittableRandom(seed), d, norm, radius)).isEqualTo(p);
    }

    @net.jqwik.api.Example
    void onSphereSpreadsItsCoordinatesAsUniformOrGaussianDraws() {
        for (long seed = 1; seed <= 5; seed++) {
            // Linf: t uniform in [-1, 1] (kurtosis 1.8, half of the |t_i| below max/2); L2: Gaussian (kurtosis 3).
            double[] linf = Perturbations.onSphere(new SplittableRandom(seed), 784, Norm.LINF, 0.3);
            double[] l2 = Perturbations.onSphere(new SplittableRandom(seed), 784, Norm.L2, 2.0);
            assertThat(kurtosis(linf)).as("Linf, seed %d", seed).isBetween(1.6, 2.1);
            assertThat(kurtosis(l2)).as("L2, seed %d", seed).isBetween(2.4, 3.8);
            assertThat(java.util.Arrays.stream(linf).filter(v -> Math.abs(v) < 0.15).count()).isBetween(330L, 454L);
            for (double[] p : new double[][]{linf, l2}) {
                assertThat(java.util.Arrays.stream(p).filter(v -> v > 0).count()).as("positive coordinates").isBetween(330L, 454L);
            }
        }
    }

    private static double kurtosis(double[] p) {
        double m2 = 0, m4 = 0;
        for (double v : p) {
            m2 += v * v;
            m4 += v * v * v * v;
        }
        m2 /= p.length;
        return m4 / p.length / (m2 * m2);
    }

    @net.jqwik.api.Example
    void theBallGeometryRefusesL0InOneLine() {
        INDArray rows = randomRows(2, 5, 1.0, 3);
        for (org.assertj.core.api.ThrowableAssert.ThrowingCallable call : java.util.List.<org.assertj.core.api.ThrowableAssert.ThrowingCallable>of(
                () -> Perturbations.steepestDirection(rows.dup(), Norm.L0),
                () -> Perturbations.projectInPlace(rows.dup(), Norm.L0, 0.1),
                () -> Perturbations.randomStart(new int[]{1}, 5, Norm.L0, 0.1, 7, 0),
                () -> Perturbations.onSphere(new SplittableRandom(1), 5, Norm.L0, 0.1))) {
            org.assertj.core.api.Assertions.assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("L0 has no ball geometry here");
        }
    }

    @net.jqwik.api.Example
    void gaussianDrawsAreStandardNormal() {
        SplittableRandom rnd = new SplittableRandom(2024);
        int n = 20000;
        double sum = 0, squares = 0;
        int beyondTwo = 0;
        for (int i = 0; i < n; i++) {
            double g = Perturbations.gaussian(rnd);
            sum += g;
            squares += g * g;
            if (Math.abs(g) > 2) beyondTwo++;
        }
        double mean = sum / n;
        // Standard errors at n = 20000: mean 0.007, variance 0.010, P(|g| > 2) = 0.0455 +- 0.0015.
        assertThat(mean).isCloseTo(0.0, org.assertj.core.api.Assertions.within(0.03));
        assertThat(squares / n - mean * mean).isCloseTo(1.0, org.assertj.core.api.Assertions.within(0.04));
        assertThat(beyondTwo / (double) n).isCloseTo(0.0455, org.assertj.core.api.Assertions.within(0.006));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Norm> lpNorms() {
        return dev.robustgate.jqwik.RobustGateArbitraries.norms();
    }
}
