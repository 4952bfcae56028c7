package dev.robustgate.report.internal;

import dev.robustgate.report.ReportWiring;
import dev.robustgate.report.allurefixtures.NestedGateRun;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * A run's Allure results: the previous run's go at its start, and a gate run nested inside it (as
 * GateCommandTest runs one in mvn test) wipes nothing. Before the fix the nested gate cleared the
 * directory mid-run and the report lost every spec class that ran before it.
 */
class AllureRunTest {

    @Test
    void everySpecClassHasItsResultAfterARunWithANestedGate(@TempDir Path results) throws IOException {
        Files.writeString(results.resolve("stale-from-last-run-result.json"), "{}");
        AllureLifecycle saved = Allure.getLifecycle();
        String savedDir = System.getProperty(ReportWiring.RESULTS_PROPERTY);
        try {
            System.setProperty(NestedGateRun.ENABLED, "true");
            System.setProperty(ReportWiring.RESULTS_PROPERTY, results.toString());
            // The nested launcher's Allure listener takes the lifecycle current when it is created.
            Allure.setLifecycle(new AllureLifecycle(new FileSystemResultsWriter(results)));
            LauncherFactory.create().execute(request()
                    .selectors(selectClass(NestedGateRun.ASpecBefore.class), selectClass(NestedGateRun.BNestedGate.class),
                            selectClass(NestedGateRun.CSpecAfter.class))
                    .build());
        } finally {
            Allure.setLifecycle(saved);
            System.clearProperty(NestedGateRun.ENABLED);
            if (savedDir == null) System.clearProperty(ReportWiring.RESULTS_PROPERTY);
            else System.setProperty(ReportWiring.RESULTS_PROPERTY, savedDir);
        }

        List<String> resultFiles = resultFiles(results);
        String all = String.join("\n", resultFiles);
        assertThat(all).as("results in %s", results)
                .contains(NestedGateRun.ASpecBefore.class.getName() + ".passes")
                .contains(NestedGateRun.BNestedGate.class.getName() + ".runsTheGateInProcess")
                .contains(NestedGateRun.CSpecAfter.class.getName() + ".passes");
        assertThat(results.resolve("stale-from-last-run-result.json")).as("the previous run's result").doesNotExist();
        assertThat(results.resolve(AllureRun.CATEGORIES)).as("categories written at the start").exists();
        assertThat(Files.readString(results.resolve(AllureRun.CATEGORIES))).contains("robustness regression");
    }

    @Test
    void aDirectoryIsStartedOncePerJvmAndKeepsItsOwnCategories(@TempDir Path results) throws IOException {
        Files.writeString(results.resolve(AllureRun.CATEGORIES), "[]");
        Files.writeString(results.resolve("a-result.json"), "{}");

        assertThat(AllureRun.startOnce(results)).isTrue();
        Files.writeString(results.resolve("b-result.json"), "{}");
        assertThat(AllureRun.startOnce(results)).as("second start in this JVM").isFalse();

        assertThat(results.resolve("a-result.json")).doesNotExist();
        assertThat(results.resolve("b-result.json")).exists();
        assertThat(Files.readString(results.resolve(AllureRun.CATEGORIES))).isEqualTo("[]");
    }

    private static List<String> resultFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith("-result.json")).map(f -> {
                try {
                    return Files.readString(f, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
        }
    }
}
