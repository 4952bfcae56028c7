package dev.robustgate.report.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class AllureResultsDirectoryTest {
    @Test
    void clearsTheRunButKeepsHistoryAndConfiguration(@TempDir Path dir) throws Exception {
        for (String f : new String[]{"a-result.json", "b-container.json", "c-attachment.png", "robustgate-events.jsonl",
                "categories.json", "environment.properties", "executor.json"}) {
            Files.writeString(dir.resolve(f), "x");
        }
        Files.createDirectories(dir.resolve("history"));
        Files.writeString(dir.resolve("history/history-trend.json"), "[]");

        assertThat(AllureResultsDirectory.clearPreviousRun(dir)).isEqualTo(4);
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("categories.json", "environment.properties", "executor.json", "history");
        }
        assertThat(dir.resolve("history/history-trend.json")).exists();
    }

    @Test
    void aMissingDirectoryIsNothingToClear(@TempDir Path dir) throws Exception {
        assertThat(AllureResultsDirectory.clearPreviousRun(dir.resolve("absent"))).isZero();
    }
}
