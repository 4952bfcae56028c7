package dev.robustgate.report;

import dev.robustgate.metric.Proportion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class GateHistoryTest {
    @Test
    void keepsEachGatesValuesInRunOrderAndSurvivesATornLine(@TempDir Path results) throws Exception {
        GateHistory h = new GateHistory(results);
        h.record("a", Proportion.of("robust accuracy", "m", "", 50, 100));
        h.record("b", Proportion.of("robust accuracy", "m", "", 10, 100));
        Files.writeString(results.resolve("history").resolve(GateHistory.FILE), "{\"gate\":\"a\",\"va",
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(results.resolve("history").resolve(GateHistory.FILE), "\n", java.nio.file.StandardOpenOption.APPEND);
        h.recordAndAttach("a", Proportion.of("robust accuracy", "m", "", 60, 100));
        assertThat(h.of("a")).extracting(GateHistory.Point::value).containsExactly(0.5, 0.6);
        assertThat(h.of("a").get(0).samples()).isEqualTo(100);
        assertThat(h.of("b")).hasSize(1);
        assertThat(h.of("none")).isEmpty();
    }

    @Test
    void showsTheLastThirtyRuns(@TempDir Path results) {
        GateHistory h = new GateHistory(results);
        for (int i = 0; i < 35; i++) h.record("a", Proportion.of("robust accuracy", "m", "", i, 100));
        assertThat(h.of("a")).hasSize(GateHistory.SHOWN).first().extracting(GateHistory.Point::value).isEqualTo(0.05);
    }
}
