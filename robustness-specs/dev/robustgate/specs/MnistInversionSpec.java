package dev.robustgate.specs;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.fixture.Victims;
import dev.robustgate.inversion.ConditionalGanInversion;
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
import org.nd4j.linalg.indexing.NDArrayIndex;

import java.util.Locale;

import static dev.robustgate.junit.RobustnessAssertions.assertThatProportion;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model inversion of mnist-lenet: what does the model give away about each digit? Ten
 * reconstructions per class (100 in all: MI-Face from ten seeded noisy starts per class, all in one
 * batch; the conditional GAN's ten samples per class the victim is most confident in) are scored
 * as the inversion literature scores them: by an evaluation classifier trained separately from
 * the victim (mnist-mlp, a 256-unit MLP, where the victim is a LeNet), which must recognise each
 * reconstruction's target class. Scoring by the victim itself would reward patterns only the
 * victim reads as a digit. The share nearest its own class mean and the victim's confidence are
 * printed beside it. CI-sized: MI-Face is 200 steps on 100 images (20,000 input gradients, 34 s
 * with fixture loading on 2 cores); the GAN is two 256-unit perceptrons trained for 40 epochs on
 * mnist's held-out split labelled by the API (one query a digit, plus 640 to choose; 60 s).
 *
 * <p>Measured on 2026-11-30 (mnist-lenet as the oneDNN build trains it, seed 13):
 * <pre>
 *   method                                  recognised by mnist-mlp   nearest own mean         victim conf. (mean, min)
 *   MI-Face, 200 x 0.05, prior 0.02         75/100 [0.653, 0.831]     44/100 [0.341, 0.543]    0.983, 0.934
 *   conditional GAN, 40 epochs, Adam 1e-3   37/100 [0.276, 0.472]     35/100 [0.257, 0.452]    0.523, 0.000
 * </pre>
 * The old gates scored one reconstruction per class (MI-Face 3/10 [0.067, 0.652] against
 * "value >= 0.3"): weak by {@link dev.robustgate.metric.GateSensitivity} (n = 10 < 100; only a fall
 * to 0.15 failed it 4 runs in 5).
 *
 * <p>Why these thresholds (lower bounds, so a model exactly at the threshold fails 4 runs in 5 and
 * the gate table says "drop 0.000"): chance is 0.1. MI-Face must make most reconstructions
 * recognisable to another model, lower bound >= 0.5; a harness that silently stopped
 * reconstructing (blank or noise images, about 0.1) or a halving of the rate fails it. The GAN is
 * a black-box attack with top-1 labels only; its gate is twice chance, lower bound >= 0.2. Both
 * were chosen from what the attack must show, not moved to fit: the measured lower bounds lie
 * 0.15 and 0.08 above them.
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
    @DisplayName("conditional GAN trained on API-labelled auxiliary digits")
    void conditionalGan(@Victim("mnist-lenet") Dl4jClassifier victim, @Victim(EVALUATOR) Dl4jClassifier evaluator) {
        Dataset auxiliary = Victims.standard().data().load("mnist", Split.TEST);
        try (PredictionServer server = PredictionServer.start(victim, PredictionServer.Settings.open().withPolicy(OutputPolicy.top1()))) {
            RemoteClassifier api = RemoteClassifier.at(server.uri()).connect();
            ConditionalGanInversion.Result r = new ConditionalGanInversion(40, 64, 32, 256, 64, 1e-3, 5)
                    .run(api, auxiliary, PER_CLASS);
            assertThat(r.labellingQueries()).isEqualTo(auxiliary.size());
            assertThat(r.selectionQueries()).isEqualTo(640);
            assertThat(api.queriesSent()).isEqualTo(auxiliary.size() + 640L);

            int[] targets = MiFace.targets(victim.numClasses(), PER_CLASS);
            Proportion recognised = score("conditional GAN (40 epochs)", r.images(), targets, victim, evaluator);
            assertThatProportion(recognised).lowerBound().isAtLeast(GAN_LOWER);
        }
    }

    /** The evaluation classifier: an MLP (mnist-mlp), trained separately from the LeNet victim. */
    static final String EVALUATOR = "mnist-mlp";
    static final double MI_FACE_LOWER = 0.5, GAN_LOWER = 0.2;
}
