package dev.robustgate.specs;

import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.extraction.AdaptiveStrategy;
import dev.robustgate.extraction.KnockoffNets;
import dev.robustgate.extraction.QuerySets;
import dev.robustgate.extraction.QueryStrategy;
import dev.robustgate.fixture.Architectures;
import dev.robustgate.fixture.Victims;
import dev.robustgate.junit.RobustnessSpec;
import dev.robustgate.junit.Victim;
import dev.robustgate.metric.KnockoffEvaluation;
import dev.robustgate.model.Dl4jClassifier;
import dev.robustgate.model.QueryBudget;
import dev.robustgate.model.RemoteClassifier;
import dev.robustgate.report.AllureAttachments;
import dev.robustgate.report.KnockoffCurves;
import dev.robustgate.serve.OutputPolicy;
import dev.robustgate.serve.PredictionServer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static dev.robustgate.junit.RobustnessAssertions.assertThatProportion;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Knockoff Nets against mnist-lenet (LeNet, 0.973 on the 1,996 held-out digits) behind the
 * loopback prediction API. CI-sized: 2,000 queries per strategy, an MLP knockoff (784-256-10,
 * Adam 1e-3, 5 epochs at each of the checkpoints 500 and 2,000), scored on the 1,996 test digits;
 * the full-size runs (20,000 queries, LeNet knockoff) are in the issue note, made with
 * {@code ./robustgate steal}. Measured on 2026-11-22, seed 2019, first against the victim as
 * trained before the oneDNN build (0.9835), then against the one a clean clone trains now (0.9729):
 * <pre>
 *   strategy (2,000 queries, soft labels)      agreement with the victim (before; now)
 *   own distribution (upper bound)             0.921 [0.908, 0.932]; 0.924 [0.912, 0.936]   gate: lower bound >= 0.85
 *   Fashion-MNIST images                         0.407 [0.386, 0.429]; 0.453 [0.431, 0.476]   gate: upper bound <= 0.55
 *   Gaussian noise N(0.5, 0.5) clipped             0.123 [0.109, 0.138]; 0.195 [0.178, 0.213]   gate: upper bound <= 0.25
 *   adaptive bandit over Fashion-MNIST classes   0.382 [0.360, 0.403]; 0.419 [0.398, 0.441]   gate: upper bound <= 0.55
 *   own distribution, API answers top-1 only   0.919 [0.906, 0.930]; 0.923 [0.911, 0.935]   gate: lower bound >= 0.85
 * </pre>
 * At this budget the bandit does no better than drawing Fashion-MNIST images at random (its arms
 * were pulled 1-6 times each in 32 rounds: too few for preferences to separate).
 * Gates: what a team that serves this model would assert. Its own data copies it well (a lower
 * bound: the upper-bound attack must keep working, or the harness is broken); noise queries must
 * not (an upper bound: the model is not to be stolen from noise at this budget). Each ceiling also
 * has a floor well above chance on the same run (a band), so a thief or API broken into learning
 * nothing fails it instead of passing it more easily.
 */
@RobustnessSpec
@DisplayName("mnist-lenet: Knockoff Nets through the prediction API")
class MnistKnockoffSpec {
    private static final long BUDGET = 2000;
    private static final long SEED = 2019;

    private static KnockoffEvaluation.Report steal(Dl4jClassifier victim, QueryStrategy queries, OutputPolicy policy,
                                                   KnockoffNets.Labels labels, String title) {
        Dataset test = Victims.standard().data().load("mnist", Split.TEST);
        KnockoffNets thief = KnockoffNets.builder(queries, BUDGET,
                        (shape, k, s) -> Architectures.build("mlp-256", shape, k, 1e-3, s), Architectures.layoutOf("mlp-256"))
                .labels(labels).epochs(5).checkpoints(500).seed(SEED).build();
        try (PredictionServer server = PredictionServer.start(victim, PredictionServer.Settings.open().withPolicy(policy))) {
            RemoteClassifier api = RemoteClassifier.at(server.uri()).budget(QueryBudget.of(BUDGET)).connect();
            KnockoffEvaluation.Report report = KnockoffEvaluation.run(thief, api, victim, test);
            assertThat(report.queriesUsed()).as("queries used").isEqualTo(BUDGET);
            assertThat(server.queriesAnswered()).as("queries the server answered").isEqualTo(BUDGET);
            System.out.printf(Locale.ROOT, "[knockoff] %s: agreement %s, accuracy %s%n", title,
                    report.agreement().summary(), report.knockoffAccuracy().summary());
            AllureAttachments.parameter("strategy", queries.describe());
            AllureAttachments.parameter("queries", BUDGET);
            AllureAttachments.parameter("policy", policy.describe());
            AllureAttachments.attachPng("agreement and accuracy vs queries", KnockoffCurves.plot(report, title));
            return report;
        }
    }

    private static Dataset own() {
        return Victims.standard().data().load("mnist", Split.TRAIN);
    }

    @Test
    @DisplayName("own distribution (upper bound): the copy agrees")
    void ownDistributionCopiesTheVictim(@Victim("mnist-lenet") Dl4jClassifier victim) {
        var report = steal(victim, QuerySets.fromDataset(own(), SEED), OutputPolicy.full(), KnockoffNets.Labels.SOFT,
                "own distribution, soft labels");
        assertThatProportion(report.agreement()).lowerBound().isAtLeast(GATE_OWN);
    }

    @Test
    @DisplayName("own distribution through a top-1 API")
    void topOneLabelsStillCopy(@Victim("mnist-lenet") Dl4jClassifier victim) {
        var report = steal(victim, QuerySets.fromDataset(own(), SEED), OutputPolicy.top1(), KnockoffNets.Labels.TOP1,
                "own distribution, top-1 API");
        assertThatProportion(report.agreement()).lowerBound().isAtLeast(GATE_TOP1);
    }

    @Test
    @DisplayName("Fashion-MNIST queries")
    void otherDatasetQueries(@Victim("mnist-lenet") Dl4jClassifier victim) {
        Dataset fashion = Victims.standard().data().load("fashion-mnist", Split.TRAIN);
        var report = steal(victim, QuerySets.fromDataset(fashion, SEED), OutputPolicy.full(), KnockoffNets.Labels.SOFT,
                "Fashion-MNIST queries, soft labels");
        assertThatProportion(report.agreement()).upperBound().isAtMost(GATE_FASHION);
        // Control: the theft did happen (a broken thief or API stays near chance, 0.1), so the ceiling above is not
        // passed by a harness that steals nothing.
        assertThatProportion(report.agreement()).lowerBound().isAtLeast(CONTROL_FASHION);
    }

    @Test
    @DisplayName("Gaussian-noise queries do not copy it at this budget")
    void noiseQueriesDoNotCopy(@Victim("mnist-lenet") Dl4jClassifier victim) {
        var report = steal(victim, QuerySets.gaussian(victim.sampleShape(), 0.5, 0.5, SEED), OutputPolicy.full(),
                KnockoffNets.Labels.SOFT, "Gaussian-noise queries, soft labels");
        assertThatProportion(report.agreement()).upperBound().isAtMost(GATE_GAUSS);
        assertThatProportion(report.agreement()).lowerBound().isAtLeast(CONTROL_GAUSS);
    }

    @Test
    @DisplayName("adaptive bandit over Fashion-MNIST classes")
    void adaptiveQueries(@Victim("mnist-lenet") Dl4jClassifier victim) {
        Dataset fashion = Victims.standard().data().load("fashion-mnist", Split.TRAIN);
        AdaptiveStrategy bandit = new AdaptiveStrategy(fashion, 0.1, SEED);
        var report = steal(victim, bandit, OutputPolicy.full(), KnockoffNets.Labels.SOFT, "adaptive (Fashion-MNIST arms), soft labels");
        System.out.println("[knockoff] adaptive pulls per Fashion-MNIST class: " + java.util.Arrays.toString(bandit.pulls()));
        // Rounds of 64 queries: 8 up to the checkpoint at 500 (the last one 52), 24 more up to 2,000.
        assertThat(java.util.Arrays.stream(bandit.pulls()).sum()).as("bandit rounds").isEqualTo(32);
        assertThatProportion(report.agreement()).upperBound().isAtMost(GATE_ADAPTIVE);
        assertThatProportion(report.agreement()).lowerBound().isAtLeast(CONTROL_ADAPTIVE);
    }

    private static final double GATE_OWN = 0.85, GATE_TOP1 = 0.85, GATE_FASHION = 0.55, GATE_GAUSS = 0.25, GATE_ADAPTIVE = 0.55;
    /**
     * Controls of the ceilings: lower bounds well above chance (0.1) and below the measured lower ends (Fashion 0.431,
     * Gaussian 0.178, adaptive 0.398): each ceiling is a band, so a thief that learns nothing cannot pass it.
     */
    private static final double CONTROL_FASHION = 0.30, CONTROL_GAUSS = 0.12, CONTROL_ADAPTIVE = 0.30;
}
