package dev.robustgate.attack;

import dev.robustgate.data.Dataset;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.model.Dl4jClassifier;
import dev.robustgate.model.EvaluationCounter.Counts;
import dev.robustgate.model.Predictions;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Properties every gradient attack must keep, whatever its norm and targeting: the result stays in
 * the eps-ball and the box, the input is untouched, eps = 0 is free, runs are reproducible, and a
 * sweep equals its single-eps runs. Each configuration runs once and the result is shared between
 * the checks, because the machine is shared too.
 */
class AttackInvariantsTest {
    private static final double TOL = 1e-6;
    private static final int N = 16;

    private static Dl4jClassifier model;
    private static Dataset data;
    private static INDArray featuresBefore;
    private static final Map<String, AttackResult> RESULTS = new ConcurrentHashMap<>();

    @BeforeAll
    static void load() {
        model = TestModels.smallMlp();
        data = TestModels.fashionTest(N, 31);
        featuresBefore = data.features().dup();
    }

    /** An attack configuration, built against the dataset (given targets need its labels). */
    record Config(String name, Norm norm, double[] eps, Function<Dataset, Attack> make) {
        @Override public String toString() { return name; }

        boolean targeted() { return !name.endsWith("untargeted"); }

        boolean pgd() { return name.startsWith("PGD"); }

        /** The same attack at other radii. */
        Attack at(double... eps) {
            Attack a = make.apply(data);
            return a instanceof PgdAttack p ? p.eps(eps) : ((FgsmAttack) a).eps(eps);
        }

        AttackResult result() {
            return RESULTS.computeIfAbsent(name, k -> make.apply(data).run(model, data));
        }
    }

    static int[] givenTargets(Dataset d) {
        int[] t = new int[d.size()];
        for (int i = 0; i < t.length; i++) t[i] = (d.label(i) + 3) % d.numClasses();
        return t;
    }

    static List<Config> configs() {
        List<Config> out = new ArrayList<>();
        for (Norm norm : List.of(Norm.LINF, Norm.L2)) { // FGSM and PGD live in Lp balls; L0 is JSMA's
            double[] eps = norm == Norm.LINF ? new double[]{0.05, 0.15} : new double[]{1.0, 3.0};
            for (String t : List.of("untargeted", "random", "least-likely", "given")) {
                Function<Dataset, TargetSelection> sel = switch (t) {
                    case "untargeted" -> d -> TargetSelection.untargeted();
                    case "random" -> d -> TargetSelection.random(5);
                    case "least-likely" -> d -> TargetSelection.leastLikely();
                    default -> d -> TargetSelection.given(givenTargets(d));
                };
                out.add(new Config("FGSM " + norm.label() + " " + t, norm, eps,
                        d -> FgsmAttack.of(norm).eps(eps).targeted(sel.apply(d))));
                out.add(new Config("PGD " + norm.label() + " " + t, norm, eps,
                        d -> PgdAttack.of(norm).steps(5).eps(eps).targeted(sel.apply(d)).batchSize(10)));
            }
        }
        out.add(new Config("PGD Linf last-iterate untargeted", Norm.LINF, new double[]{0.05, 0.15},
                d -> PgdAttack.linf().steps(5).earlyStop(false).eps(0.05, 0.15).batchSize(10)));
        out.add(new Config("PGD L2 last-iterate random", Norm.L2, new double[]{1.0, 3.0},
                d -> PgdAttack.l2().steps(5).earlyStop(false).eps(1.0, 3.0).targeted(TargetSelection.random(5))));
        return out;
    }

    static Config config(String name) {
        return configs().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    static List<Config> sweepConfigs() {
        return configs().stream().filter(c -> !c.targeted() || c.name().equals("PGD Linf random")
                || c.name().equals("FGSM L2 least-likely") || c.name().equals("PGD L2 last-iterate random")).toList();
    }

    static List<Config> seededConfigs() {
        return configs().stream().filter(c -> c.name().equals("PGD Linf untargeted") || c.name().equals("PGD L2 given")).toList();
    }

    private static double[] distances(Norm norm, INDArray adversarial, INDArray clean) {
        int n = (int) clean.size(0);
        long d = clean.length() / n;
        INDArray delta = adversarial.reshape(n, d).castTo(DataType.DOUBLE).sub(clean.reshape(n, d).castTo(DataType.DOUBLE));
        return norm.rowNorms(delta);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void staysInTheBallAndTheBoxAndLeavesTheInputAlone(Config c) {
        AttackResult result = c.result();
        assertThat(data.features()).as("input features after the attack").isEqualTo(featuresBefore);
        assertThat(result.epsilons()).containsExactly(c.eps()[0], c.eps()[1]);
        for (double eps : c.eps()) {
            EpsResult r = result.at(eps);
            INDArray adv = r.adversarial();
            assertThat(adv.shape()).containsExactly(data.features().shape());
            assertThat(adv.minNumber().doubleValue()).isGreaterThanOrEqualTo(Box.MIN);
            assertThat(adv.maxNumber().doubleValue()).isLessThanOrEqualTo(Box.MAX);
            double[] dist = distances(c.norm(), adv, data.features());
            for (int i = 0; i < N; i++) {
                assertThat(dist[i]).as("%s eps %s sample %d", c, eps, i).isLessThanOrEqualTo(eps + TOL);
                assertThat(r.distance(i)).as("reported distance of sample %d", i).isCloseTo(dist[i], within(1e-5));
            }
            assertThat(r.maxDistance()).isLessThanOrEqualTo(eps + TOL);
            assertThat(r.maxDistance(c.norm(), data.features())).isLessThanOrEqualTo(eps + TOL);
        }
        // The attack actually moved something: it is not vacuously inside the ball.
        assertThat(result.at(c.eps()[1]).maxDistance()).isGreaterThan(c.eps()[1] / 2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void successMeansTheGoalWasReachedAndPredictionsAreTheModels(Config c) {
        AttackResult result = c.result();
        int[] clean = result.cleanPredictions();
        int[] given = givenTargets(data);
        for (double eps : c.eps()) {
            EpsResult r = result.at(eps);
            int[] pred = r.predictions();
            for (int i = 0; i < N; i++) {
                SampleResult s = r.sample(i);
                assertThat(s.adversarialPrediction()).isEqualTo(pred[i]);
                assertThat(s.cleanPrediction()).isEqualTo(clean[i]);
                if (clean[i] != s.label()) continue; // clean-wrong samples: see the tests below
                if (c.targeted()) {
                    assertThat(s.target()).isNotNull().isNotEqualTo(s.label());
                    assertThat(s.success()).as("%s eps %s sample %d: success iff prediction == target", c, eps, i)
                            .isEqualTo(pred[i] == s.target());
                    if (c.name().endsWith("given")) assertThat(s.target()).isEqualTo(given[i]);
                } else {
                    assertThat(s.target()).isNull();
                    assertThat(s.success()).as("%s eps %s sample %d: success iff misclassified", c, eps, i)
                            .isEqualTo(pred[i] != s.label());
                }
            }
            // The predictions reported are the model's on the adversarials returned (up to float noise at a tie).
            INDArray logits = model.logits(r.adversarial());
            int[] actual = Predictions.argMax(logits);
            for (int i = 0; i < N; i++) {
                if (actual[i] != pred[i]) {
                    double margin = Math.abs(logits.getDouble(i, actual[i]) - logits.getDouble(i, pred[i]));
                    assertThat(margin).as("%s eps %s sample %d predicted %d, reported %d", c, eps, i, actual[i], pred[i])
                            .isLessThan(1e-4);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void epsZeroReturnsTheInputForFree(Config c) {
        Counts before = model.counter().snapshot();
        AttackResult result = c.at(0.0).run(model, data);
        EpsResult r = result.single();
        assertThat(r.adversarial()).isEqualTo(data.features());
        assertThat(r.gradientEvaluations()).isZero();
        assertThat(result.cost().gradient()).isZero();
        assertThat(model.counter().snapshot().minus(before).gradient()).isZero();
        assertThat(r.maxDistance()).isZero();
        assertThat(r.predictions()).containsExactly(result.cleanPredictions());
    }

    @Test
    void epsZeroInASweepIsTheInputAndTheOtherEpsAreUnaffected() {
        PgdAttack a = PgdAttack.linf().steps(5).eps(0.0, 0.05).batchSize(10);
        AttackResult sweep = a.run(model, data);
        assertThat(sweep.at(0.0).adversarial()).isEqualTo(data.features());
        assertThat(sweep.at(0.0).gradientEvaluations()).isZero();
        AttackResult reference = config("PGD Linf untargeted").result(); // at 0.05 and 0.15
        assertThat(sweep.at(0.05).adversarial()).isEqualTo(reference.at(0.05).adversarial());
        assertThat(sweep.cost().gradient()).isEqualTo(sweep.at(0.05).gradientEvaluations());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sweepConfigs")
    void aSweepEqualsItsSingleEpsRuns(Config c) {
        AttackResult sweep = c.result();
        // The second radius: computed after the first in the sweep, so any state carried over would show.
        for (double eps : new double[]{c.eps()[1]}) {
            EpsResult alone = c.at(eps).run(model, data).single();
            EpsResult inSweep = sweep.at(eps);
            assertThat(inSweep.adversarial()).as("%s eps %s adversarials", c, eps).isEqualTo(alone.adversarial());
            assertThat(inSweep.predictions()).containsExactly(alone.predictions());
            assertThat(inSweep.gradientEvaluations()).isEqualTo(alone.gradientEvaluations());
            for (int i = 0; i < N; i++) assertThat(inSweep.sample(i)).isEqualTo(alone.sample(i));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("seededConfigs")
    void sameSeedIsBitwiseIdenticalAndAnotherSeedIsNot(Config c) {
        AttackResult r1 = c.result();
        PgdAttack a = (PgdAttack) c.make().apply(data);
        assertThat(a.seed()).isEqualTo(PgdAttack.DEFAULT_SEED);
        AttackResult r2 = a.seed(PgdAttack.DEFAULT_SEED).run(model, data);
        AttackResult r3 = a.seed(PgdAttack.DEFAULT_SEED + 1).run(model, data);
        for (double eps : c.eps()) {
            assertThat(r2.at(eps).adversarial()).isEqualTo(r1.at(eps).adversarial());
            assertThat(r2.at(eps).predictions()).containsExactly(r1.at(eps).predictions());
            assertThat(r3.at(eps).adversarial()).as("%s eps %s with another seed", c, eps)
                    .isNotEqualTo(r1.at(eps).adversarial());
        }
        assertThat(r3.description()).contains("seed " + (PgdAttack.DEFAULT_SEED + 1));
    }

    @Test
    void withoutRandomStartPgdIgnoresTheSeed() {
        PgdAttack a = PgdAttack.linf().eps(0.05).steps(3).randomStart(false);
        EpsResult r1 = a.seed(1).run(model, data).single();
        EpsResult r2 = a.seed(2).run(model, data).single();
        assertThat(r2.adversarial()).isEqualTo(r1.adversarial());
        assertThat(a.describe()).doesNotContain("random start");
    }

    @Test
    void fgsmIsDeterministic() {
        AttackResult r1 = config("FGSM Linf untargeted").result();
        AttackResult r2 = config("FGSM Linf untargeted").make().apply(data).run(model, data);
        for (double eps : r1.epsilons()) assertThat(r2.at(eps).adversarial()).isEqualTo(r1.at(eps).adversarial());
    }

    @Test
    void randomTargetsDoNotDependOnTheBatchSize() {
        AttackResult small = FgsmAttack.linf().eps(0.01).targeted(TargetSelection.random(5)).batchSize(3).run(model, data);
        EpsResult ref = config("FGSM Linf random").result().at(0.05);
        for (int i = 0; i < N; i++) assertThat(small.single().sample(i).target()).isEqualTo(ref.sample(i).target());
    }

    @Test
    void leastLikelyTargetsAreTheCleanArgMin() {
        EpsResult r = config("FGSM Linf least-likely").result().at(0.05);
        int[] argMin = Predictions.argMax(model.probabilities(data.features()).neg());
        for (int i = 0; i < N; i++) assertThat(r.sample(i).target()).as("sample %d", i).isEqualTo(argMin[i]);
    }

    @Test
    void randomTargetsDependOnTheSeed() {
        EpsResult a = FgsmAttack.linf().eps(0.01).targeted(TargetSelection.random(5)).run(model, data).single();
        EpsResult b = FgsmAttack.linf().eps(0.01).targeted(TargetSelection.random(6)).run(model, data).single();
        int differ = 0;
        for (int i = 0; i < N; i++) if (!a.sample(i).target().equals(b.sample(i).target())) differ++;
        assertThat(differ).isGreaterThan(N / 2);
    }

    static List<Config> untargetedConfigs() {
        return configs().stream().filter(c -> !c.targeted()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("untargetedConfigs")
    void cleanWrongSamplesAreNotAttacked(Config c) {
        assertCleanWrongSamplesUntouched(c.name(), c.result(), c.eps());
    }

    /**
     * EpsResult's contract: "samples the model already gets wrong count as successes with zero cost
     * and the input returned unchanged". A targeted attack breaks it: AttackRunner marks a sample as
     * done only when its clean prediction already equals the target, so clean-wrong samples are
     * attacked toward their target, cost gradient evaluations, come back changed, and may land on
     * their true label, which makes them count as robust (robust accuracy above clean accuracy).
     */
    @Test
    void targetedAttacksLeaveCleanWrongSamplesAloneToo() {
        Config c = config("PGD Linf random");
        AttackResult pgd = c.result();
        // On these 32 images, a random-target FGSM lands clean-wrong sample 28 on its true label.
        Dataset other = TestModels.fashionTest(32, 31);
        AttackResult fgsm = FgsmAttack.linf().eps(0.05).targeted(TargetSelection.random(5)).run(model, other);
        SoftAssertions softly = new SoftAssertions();
        checkCleanWrongSamplesUntouched(softly, c.name(), data, pgd, c.eps());
        checkCleanWrongSamplesUntouched(softly, "FGSM Linf random (32 images)", other, fgsm, new double[]{0.05});
        softly.assertAll();
    }

    private static void assertCleanWrongSamplesUntouched(String name, AttackResult result, double[] epsilons) {
        SoftAssertions softly = new SoftAssertions();
        checkCleanWrongSamplesUntouched(softly, name, data, result, epsilons);
        softly.assertAll();
    }

    private static void checkCleanWrongSamplesUntouched(SoftAssertions softly, String name, Dataset d, AttackResult result,
                                                        double[] epsilons) {
        int n = d.size();
        int[] clean = result.cleanPredictions();
        INDArray flatClean = d.features().reshape(n, 784);
        int wrong = 0;
        for (int i = 0; i < n; i++) if (clean[i] != d.label(i)) wrong++;
        assertThat(wrong).as("the sample must contain clean-wrong samples for this test to mean anything").isPositive();
        for (double eps : epsilons) {
            EpsResult r = result.at(eps);
            INDArray flatAdv = r.adversarial().reshape(n, 784);
            softly.assertThat(r.robustCount()).as("%s eps %s: robust count vs clean-correct", name, eps)
                    .isLessThanOrEqualTo(result.cleanCorrect());
            for (int i = 0; i < n; i++) {
                if (clean[i] == d.label(i)) continue;
                String what = String.format("%s eps %s: clean-wrong sample %d (label %d, clean prediction %d, target %s)",
                        name, eps, i, d.label(i), clean[i], r.sample(i).target());
                softly.assertThat(r.predictions()[i]).as(what + " is now classified correctly").isNotEqualTo(d.label(i));
                softly.assertThat(r.sample(i).gradientEvaluations()).as(what + " gradient evaluations").isZero();
                // Untargeted, a wrong prediction is the goal; targeted, only the target class is.
                Integer target = r.sample(i).target();
                softly.assertThat(r.success(i)).as(what + " success")
                        .isEqualTo(target == null || clean[i] == target);
                softly.assertThat(flatAdv.getRow(i)).as(what + " input").isEqualTo(flatClean.getRow(i));
            }
        }
    }
}
