package dev.robustgate.junit;

import dev.robustgate.attack.PgdAttack;
import dev.robustgate.baseline.Baselines;
import dev.robustgate.baseline.Better;
import dev.robustgate.data.Dataset;
import dev.robustgate.event.EventBus;
import dev.robustgate.event.EventListener;
import dev.robustgate.event.GateChecked;
import dev.robustgate.fixture.TestModels;
import dev.robustgate.fixture.Victims;
import dev.robustgate.metric.Proportion;
import dev.robustgate.metric.RobustAccuracy;
import dev.robustgate.model.Dl4jClassifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import static dev.robustgate.junit.RobustnessAssertions.assertThatProportion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BaselineAssertTest {
    @TempDir
    Path dir;

    private String resultsDirBefore;

    /** Gate trends of these made-up gates go to the temporary folder, not into the project's report history. */
    @org.junit.jupiter.api.BeforeEach
    void privateResultsDirectory() {
        resultsDirBefore = System.getProperty("allure.results.directory");
        System.setProperty("allure.results.directory", dir.resolve("allure-results").toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty(Baselines.UPDATE_PROPERTY);
        if (resultsDirBefore == null) System.clearProperty("allure.results.directory");
        else System.setProperty("allure.results.directory", resultsDirBefore);
    }

    private Baselines baselines() {
        return new Baselines(dir.resolve("baselines.json"), Clock.systemUTC());
    }

    private static Proportion robust(String victim, long k, long n) {
        return Proportion.of("robust accuracy", victim, "PGD-Linf(eps=0.1, 40x0.01, random start, seed 2024)", k, n);
    }

    @Test
    void aGateWithoutBaselineFailsAsNewAndSaysHowToAcceptIt() {
        List<GateChecked> gates = new ArrayList<>();
        try (var sub = EventBus.global().subscribe(new EventListener() {
            @Override public void onGateChecked(GateChecked e) { gates.add(e); }
        })) {
            assertThatThrownBy(() -> assertThatProportion(robust("m", 520, 1000))
                    .isNoWorseThanBaseline(baselines(), "pgd-at/pgd", 7, Better.HIGHER))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("no baseline for gate 'pgd-at/pgd'").hasMessageContaining("(new gate)")
                    .hasMessageContaining("-Drobustgate.baseline.update=true").hasMessageContaining("./robustgate baseline --update");
        }
        assertThat(gates).singleElement().satisfies(g -> assertThat(g.passed()).isFalse());
        assertThat(Files.exists(dir.resolve("baselines.json"))).as("a check never writes").isFalse();
    }

    @Test
    void anUpdateRunAcceptsThenLaterRunsCompare() {
        System.setProperty(Baselines.UPDATE_PROPERTY, "true");
        assertThatProportion(robust("m", 520, 1000)).isNoWorseThanBaseline(baselines(), "pgd-at/pgd", 7, Better.HIGHER);
        System.clearProperty(Baselines.UPDATE_PROPERTY);
        assertThat(baselines().get("pgd-at/pgd")).get().satisfies(e -> assertThat(e.successes()).isEqualTo(520));
        assertThat(new dev.robustgate.report.GateHistory(dir.resolve("allure-results")).of("pgd-at/pgd"))
                .extracting(dev.robustgate.report.GateHistory.Point::value).containsExactly(0.52);
        // Noise passes ...
        assertThatProportion(robust("m", 500, 1000)).isNoWorseThanBaseline(baselines(), "pgd-at/pgd", 7, Better.HIGHER);
        // ... a significant drop fails and names the regression.
        assertThatThrownBy(() -> assertThatProportion(robust("m", 430, 1000))
                .isNoWorseThanBaseline(baselines(), "pgd-at/pgd", 7, Better.HIGHER))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("robustness regression: robust accuracy under PGD-Linf(eps=0.1, 40x0.01, random start, seed 2024) on m: 0.430")
                .hasMessageContaining("significantly below its baseline 'pgd-at/pgd' 0.520 n=1000 (seed 7")
                .hasMessageContaining("one-sided Fisher exact p = ");
    }

    @Test
    void aBaselineOfAnotherMeasurementIsRefused() {
        System.setProperty(Baselines.UPDATE_PROPERTY, "true");
        assertThatProportion(robust("m", 520, 1000)).isNoWorseThanBaseline(baselines(), "g", 7, Better.HIGHER);
        System.clearProperty(Baselines.UPDATE_PROPERTY);
        assertThatThrownBy(() -> assertThatProportion(robust("other-model", 520, 1000))
                .isNoWorseThanBaseline(baselines(), "g", 7, Better.HIGHER))
                .hasMessageContaining("baseline 'g'").hasMessageContaining("on m").hasMessageContaining("on other-model");
    }

    /** The case: 0 of 4 used to pass against an accepted 521 of 1000, since 4 samples can never be significant. */
    @Test
    void aMeasurementOnAnotherSampleCountOrSeedIsRefused() {
        System.setProperty(Baselines.UPDATE_PROPERTY, "true");
        assertThatProportion(robust("m", 521, 1000)).isNoWorseThanBaseline(baselines(), "g", 7, Better.HIGHER);
        System.clearProperty(Baselines.UPDATE_PROPERTY);

        assertThatThrownBy(() -> assertThatProportion(robust("m", 0, 4)).isNoWorseThanBaseline(baselines(), "g", 7, Better.HIGHER))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("baseline 'g'").hasMessageContaining("was accepted on 1000 samples (seed 7)")
                .hasMessageContaining("the sample count differs (4 vs 1000)")
                .hasMessageContaining("mvn test -Dtest=").hasMessageContaining("-Drobustgate.baseline.update=true");
        assertThatThrownBy(() -> assertThatProportion(robust("m", 521, 1000)).isNoWorseThanBaseline(baselines(), "g", 8, Better.HIGHER))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("the seed differs (8 vs 7)");
        // The same n and seed compare as before.
        assertThatProportion(robust("m", 515, 1000)).isNoWorseThanBaseline(baselines(), "g", 7, Better.HIGHER);
    }

    @Test
    void entriesNoGateCheckedAreStale() {
        System.setProperty(Baselines.UPDATE_PROPERTY, "true");
        assertThatProportion(robust("m", 521, 1000)).isNoWorseThanBaseline(baselines(), "kept", 7, Better.HIGHER);
        System.clearProperty(Baselines.UPDATE_PROPERTY);
        // An entry left behind by a renamed gate: accepted by another run, checked by no spec of this one.
        baselines().accept("renamed-away", robust("m", 300, 1000), Better.HIGHER, 7);

        var stale = dev.robustgate.baseline.BaselineUsage.stale(baselines());
        assertThat(stale).containsOnlyKeys("renamed-away");
        assertThat(dev.robustgate.baseline.BaselineUsage.describeStale(baselines(), stale))
                .contains("1 stale baseline entry in " + dir.resolve("baselines.json"))
                .contains("renamed-away: 0.300").contains("mvn test -Dtest=");
    }

    @Test
    void theBaselineFileIsConfigurableAndAProjectWithoutRobustnessSpecsKeepsItInTestResources() throws Exception {
        String project = System.getProperty("robustgate.project.dir");
        try {
            System.setProperty("robustgate.project.dir", dir.toString());
            assertThat(Baselines.standard().file()).isEqualTo(dir.resolve("src/test/resources/robustgate/baselines.json"));
            System.setProperty(Baselines.FILE_PROPERTY, "gates/accepted.json");
            assertThat(Baselines.standard().file()).isEqualTo(dir.resolve("gates/accepted.json"));
            System.clearProperty(Baselines.FILE_PROPERTY);
            Files.createDirectories(dir.resolve("robustness-specs"));
            assertThat(Baselines.standard().file()).isEqualTo(dir.resolve("robustness-specs/baselines.json"));
        } finally {
            System.clearProperty(Baselines.FILE_PROPERTY);
            if (project == null) System.clearProperty("robustgate.project.dir");
            else System.setProperty("robustgate.project.dir", project);
        }
    }

    @Test
    void aCorruptBaselineFileIsAnErrorNotAFailedGate() throws Exception {
        Files.writeString(dir.resolve("baselines.json"), "not json");
        assertThatThrownBy(() -> assertThatProportion(robust("m", 1, 2)).isNoWorseThanBaseline(baselines(), "g", 7, Better.HIGHER))
                .isInstanceOf(dev.robustgate.baseline.BaselineFileException.class)
                .hasMessageContaining(dir.resolve("baselines.json").toString());
    }

    /**
     * The acceptance test: the CI-sized PGD-trained victim's robust accuracy is accepted as
     * the baseline; a deliberately weakened retrain of the same victim (half the epochs over a
     * quarter of the data, fixtures/victims/fashion-mlp-ci-pgd-at-weak.json) under the same name
     * fails the check with a message naming the regression.
     */
    @Test
    void aWeakenedRetrainFailsTheBaselineCheck() {
        Dataset test = TestModels.fashionTest(1000, 7);
        PgdAttack pgd = PgdAttack.linf().eps(0.1).steps(40).stepSize(0.01).randomStart(true).seed(2024);
        Dl4jClassifier good = Victims.standard().get("fashion-mlp-ci-pgd-at").model();
        Dl4jClassifier weak = Victims.standard().get("fashion-mlp-ci-pgd-at-weak").model();
        Dl4jClassifier weakUnderTheSameName = new Dl4jClassifier(good.name(), weak.network(), weak.sampleShape(), weak.layout());

        Proportion accepted = RobustAccuracy.of(pgd.run(good, test));
        System.setProperty(Baselines.UPDATE_PROPERTY, "true");
        assertThatProportion(accepted).isNoWorseThanBaseline(baselines(), "pgd-at/pgd", 7, Better.HIGHER);
        System.clearProperty(Baselines.UPDATE_PROPERTY);

        Proportion weakened = RobustAccuracy.of(pgd.run(weakUnderTheSameName, test));
        assertThatThrownBy(() -> assertThatProportion(weakened).isNoWorseThanBaseline(baselines(), "pgd-at/pgd", 7, Better.HIGHER))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("robustness regression: robust accuracy under PGD-Linf(eps=0.1, 40x0.01, random start, seed 2024) on fashion-mlp-ci-pgd-at")
                .hasMessageContaining("significantly below its baseline 'pgd-at/pgd'");
        assertThat(weakened.value()).as("the weakened retrain really is weaker").isLessThan(accepted.value() - 0.1);
        // The accepted measurement itself passes: the check asks "significantly worse", not "different".
        assertThatProportion(accepted).isNoWorseThanBaseline(baselines(), "pgd-at/pgd", 7, Better.HIGHER);
    }
}
