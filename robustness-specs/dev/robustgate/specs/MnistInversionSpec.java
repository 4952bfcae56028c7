package dev.robustgate.specs;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.fixture.Victims;
import dev.robustgate.inversion.ConditionalGanInversion;
import dev.robustgate.inversion.DcganConfig;
import dev.robustgate.inversion.MiFace;
import dev.robustgate.junit.RobustnessSpec;
import dev.robustgate.junit.Victim;
import dev.robustgate.metric.InversionQuality;
import dev.robustgate.metric.Proportion;
import dev.robustgate.model.Dl4jClassifier;
import dev.robustgate.model.RemoteClassifier;
import dev.robustgate.report.AllureAttachments;
import dev.robustgate.report.InversionGrid;
import dev.robustgate.serve.OutputPolicy;
import dev.robustgate.serve.PredictionServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Locale;

import static dev.robustgate.junit.RobustnessAssertions.assertThatProportion;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model inversion of mnist-lenet: what does the model give away about each digit? Ten
 * reconstructions per class (100 in all: MI-Face from ten seeded noisy starts per class, all in one
 * batch; the conditional DCGAN's ten samples per class the victim is most confident in) are scored
 * as the inversion literature scores them: by an evaluation classifier trained separately from
 * the victim (mnist-mlp, a 256-unit MLP, where the victim is a LeNet), which must recognise each
 * reconstruction's target class. Scoring by the victim itself would reward patterns only the
 * victim reads as a digit. The share nearest its own class mean and the victim's confidence are
 * printed beside it. CI-sized: MI-Face is 200 steps on 100 images (20,000 input gradients, 34 s
 * with fixture loading on 2 cores); the DCGAN ({@link DcganConfig#ci}: base 8 channels, batch 32,
 * 10 epochs = 620 iterations) trains on mnist's held-out split (1,996 digits) labelled through a
 * top-1 API (one query a digit, plus 640 to choose; 95 s at load 20 on the shared 2-core machine).
 * {@code ./robustgate gate --full} (or {@code -Drobustgate.size=full}) runs the source material's
 * size instead ({@link DcganConfig#full}: base 32, label dense 1000, batch 200, 150 epochs; about
 * 2 minutes an epoch at load 20, so hours: the main job's, not CI's).
 *
 * <p>Measured on 2026-11-30 (mnist-lenet as the oneDNN build trains it, seed 13; DCGAN seed 5):
 * <pre>
 *   method                                     recognised by mnist-mlp   nearest own mean         victim conf. (mean, min)
 *   MI-Face, 200 x 0.05, prior 0.02            75/100 [0.653, 0.831]     44/100 [0.341, 0.543]    0.983, 0.934
 *   conditional DCGAN, CI size, 10 epochs      93/100 [0.861, 0.971]     90/100 [0.824, 0.951]    0.885, 0.021
 *   the same DCGAN, 0 epochs (untrained G)     10/100 [0.049, 0.176]     10/100 [0.049, 0.176]    0.100, 0.068
 *   U(0, 1) noise images                       10/100 [0.049, 0.176]
 * </pre>
 * The DCGAN at CI size with seeds 6 and 7 (victim's full probabilities for the choice, else the same):
 * 97/100 and 93/100. The two-layer perceptron GAN it replaces reached 37/100 [0.276, 0.472].
 * The full size, stopped after 25 of its 150 epochs (same harness): 90/100 [0.824, 0.951] (36 min at
 * load 15-25); the whole full-size run is the main job's, not measured yet.
 * The old gates scored one reconstruction per class (MI-Face 3/10 [0.067, 0.652] against
 * "value >= 0.3"): weak by {@link dev.robustgate.metric.GateSensitivity} (n = 10 < 100; only a fall
 * to 0.15 failed it 4 runs in 5).
 *
 * <p>Why these thresholds (lower bounds, so a model exactly at the threshold fails 4 runs in 5 and
 * the gate table says "drop 0.000"): chance is 0.1. MI-Face must make most reconstructions
 * recognisable to another model, lower bound >= 0.5; a harness that silently stopped
 * reconstructing (blank or noise images, about 0.1) or a halving of the rate fails it. The DCGAN
 * must make seven in ten recognisable, lower bound >= 0.7: its measured lower bounds (0.86 to
 * 0.92 over three seeds) lie 0.16 or more above it, and an untrained generator or noise images
 * (upper bounds 0.18) fail it, which {@code conditionalGanGateFailsAnUntrainedGeneratorAndNoise}
 * checks on every run. Both were chosen from what the attack must show, not moved to fit.
 */
@RobustnessSpec
@DisplayName("mnist-lenet: model inversion")
class MnistInversionSpec {

    /** Why 10 per class: 100 reconstructions put the gate at the floor of GateSensitivity (n >= 100). */
    static final int PER_CLASS = 10;
    static final long SEED = 13;

    private static Dataset train() {
        return Victims.standard().data().load("mnist", Split.TRAIN);
    }

    /** Scores all reconstructions; attaches the grid of the first (one per class). */
    private static Proportion score(String method, INDArray images, int[] targets, Dl4jClassifier victim, Dl4jClassifier evaluator) {
        Dataset train = train();
        InversionQuality q = InversionQuality.of(method, images, targets, victim, train);
        Proportion recognised = InversionQuality.evaluatorAccuracy(method, images, targets, victim.name(), evaluator);
        System.out.printf(Locale.ROOT, "[inversion] %s: %s; %s; victim confidence mean %.3f min %.3f%n", method,
                recognised.summary(), q.ownMeanNearest().summary(), q.meanConfidence(), q.minConfidence());
        AllureAttachments.parameter("method", method);
        AllureAttachments.parameter("evaluation classifier", evaluator.name());
        int k = victim.numClasses();
        INDArray firstOfEach = images.get(NDArrayIndex.interval(0, k));
        AllureAttachments.attachPng(method + ": class means (top) and reconstructions (bottom)",
                InversionGrid.render(method + " on " + victim.name(), firstOfEach,
                        InversionQuality.of(method, firstOfEach, victim, train), train));
        return recognised;
    }

    @Test
    @DisplayName("MI-Face with a smoothness prior")
    void miFace(@Victim("mnist-lenet") Dl4jClassifier victim, @Victim(EVALUATOR) Dl4jClassifier evaluator) {
        long before = victim.counter().snapshot().gradient();
        MiFace.Result r = new MiFace(200, 0.05, 0.02, 0.0).run(victim, PER_CLASS, SEED);
        int[] targets = MiFace.targets(victim.numClasses(), PER_CLASS);
        assertThat(r.gradientEvaluations()).isEqualTo(200L * targets.length);
        assertThat(victim.counter().snapshot().gradient() - before).isEqualTo(200L * targets.length);

        Proportion recognised = score("MI-Face(200 x 0.05, prior 0.02)", r.images(), targets, victim, evaluator);
        assertThatProportion(recognised).lowerBound().isAtLeast(MI_FACE_LOWER);
    }

    @Test
    @DisplayName("conditional DCGAN trained on API-labelled auxiliary digits")
    void conditionalGan(@Victim("mnist-lenet") Dl4jClassifier victim, @Victim(EVALUATOR) Dl4jClassifier evaluator) {
        DcganConfig config = ganConfig();
        Proportion recognised = ganRecognised(config, victim, evaluator);
        assertThatProportion(recognised).lowerBound().isAtLeast(GAN_LOWER);
    }

    @Test
    @DisplayName("the DCGAN gate fails an untrained generator and noise images")
    void conditionalGanGateFailsAnUntrainedGeneratorAndNoise(@Victim("mnist-lenet") Dl4jClassifier victim,
                                                             @Victim(EVALUATOR) Dl4jClassifier evaluator) {
        // The same run with 0 epochs: the generator at its initial weights, the victim's 10 most confident of 64 per class.
        Proportion untrained = ganRecognised(ganConfig().withEpochs(0), victim, evaluator);
        java.util.Random random = new java.util.Random(SEED);
        float[] pixels = new float[100 * 28 * 28];
        for (int i = 0; i < pixels.length; i++) pixels[i] = random.nextFloat();
        INDArray noise = Nd4j.create(pixels, new long[]{100, 1, 28, 28}, 'c');
        Proportion noiseImages = InversionQuality.evaluatorAccuracy("U(0, 1) noise", noise, MiFace.targets(10, PER_CLASS),
                victim.name(), evaluator);
        System.out.printf(Locale.ROOT, "[inversion] controls against the DCGAN gate (lower bound >= %.2f): %s; %s%n", GAN_LOWER,
                untrained.summary(), noiseImages.summary());
        // Not even their upper bounds reach the threshold: the gate cannot pass them by chance at n = 100.
        assertThat(untrained.interval().upper()).isLessThan(GAN_LOWER);
        assertThat(noiseImages.interval().upper()).isLessThan(GAN_LOWER);
    }

    /** The DCGAN's size: CI-sized unless -Drobustgate.size=full (./robustgate gate --full) asks for the source material's. */
    static DcganConfig ganConfig() {
        return "full".equals(System.getProperty(SIZE_PROPERTY)) ? DcganConfig.full(GAN_SEED) : DcganConfig.ci(GAN_EPOCHS, GAN_SEED);
    }

    /** Runs the DCGAN inversion through a top-1 API on mnist's held-out split, checks its query counts, scores it. */
    private static Proportion ganRecognised(DcganConfig config, Dl4jClassifier victim, Dl4jClassifier evaluator) {
        Dataset auxiliary = Victims.standard().data().load("mnist", Split.TEST);
        try (PredictionServer server = PredictionServer.start(victim, PredictionServer.Settings.open().withPolicy(OutputPolicy.top1()))) {
            RemoteClassifier api = RemoteClassifier.at(server.uri()).connect();
            ConditionalGanInversion.Result r = new ConditionalGanInversion(config).run(api, auxiliary, PER_CLASS);
            long selection = 10L * config.candidates();
            assertThat(r.labellingQueries()).isEqualTo(auxiliary.size());
            assertThat(r.selectionQueries()).isEqualTo(selection);
            assertThat(api.queriesSent()).isEqualTo(auxiliary.size() + selection);

            int[] targets = MiFace.targets(victim.numClasses(), PER_CLASS);
            String method = String.format(Locale.ROOT, "conditional DCGAN (%s, %d epochs)",
                    config.base() == DcganConfig.full(0).base() ? "full size" : "CI size", config.epochs());
            AllureAttachments.parameter("DCGAN", config.toString());
            return score(method, r.images(), targets, victim, evaluator);
        }
    }

    /** The evaluation classifier: an MLP (mnist-mlp), trained separately from the LeNet victim. */
    static final String EVALUATOR = "mnist-mlp";
    static final double MI_FACE_LOWER = 0.5, GAN_LOWER = 0.7;
    static final String SIZE_PROPERTY = "robustgate.size";
    static final int GAN_EPOCHS = 10;
    static final long GAN_SEED = 5;
}
