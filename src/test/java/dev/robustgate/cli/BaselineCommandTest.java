package dev.robustgate.cli;

import dev.robustgate.baseline.Baselines;
import dev.robustgate.cli.baselinefixtures.BaselineSampleGates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BaselineCommandTest {
    private static final String PACKAGE = "dev.robustgate.cli.baselinefixtures";

    @TempDir
    Path dir;

    private Map<String, String> props(Path file) {
        return Map.of(BaselineSampleGates.ENABLED, "true",
                Baselines.FILE_PROPERTY, file.toString(),
                "allure.results.directory", dir.resolve("allure-results").toString(),
                "junit.platform.execution.listeners.deactivate", "io.qameta.allure.junitplatform.*");
    }

    @Test
    void updateAcceptsTheGatesThenTheGatePassesAgainstThem() throws Exception {
        Path file = dir.resolve("baselines.json");
        CliRun.Result before = CliRun.run(props(file), "gate", "--package", PACKAGE);
        assertThat(before.exitCode()).as(before.toString()).isEqualTo(1);
        assertThat(before.out()).contains("no baseline for gate 'sample/gate'");

        CliRun.Result update = CliRun.run(props(file), "baseline", "--update", "--package", PACKAGE, "--file", file.toString());
        assertThat(update.exitCode()).as(update.toString()).isZero();
        assertThat(update.out()).contains("+ sample/gate: 0.640 [0.609, 0.670] n=1000 (seed 7) (new)");
        assertThat(Files.readString(file)).contains("\"sample/gate\"", "\"successes\" : 640");

        CliRun.Result list = CliRun.run(props(file), "baseline", "--file", file.toString());
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains("1 gate").contains("sample/gate").contains("0.640 [0.609, 0.670] n=1000 seed 7");

        CliRun.Result after = CliRun.run(props(file), "gate", "--package", PACKAGE);
        assertThat(after.exitCode()).as(after.toString()).isZero();
        assertThat(System.getProperty(Baselines.UPDATE_PROPERTY)).as("update mode ends with the command").isNull();
    }

    @Test
    void aCorruptFileAndMisusedOptionsExitTwoWithTheReason() throws Exception {
        Path file = dir.resolve("baselines.json");
        Files.writeString(file, "{ broken");
        CliRun.Result r = CliRun.run(props(file), "baseline", "--file", file.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("corrupt baseline file " + file.toAbsolutePath());
        CliRun.Result misuse = CliRun.run(props(file), "baseline", "--select", "x");
        assertThat(misuse.exitCode()).isEqualTo(2);
        assertThat(misuse.err()).contains("--select only applies with --update");
    }
}
