package dev.robustgate.report.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * The allure-results folder holds one run. Allure reads every result file it finds, so results
 * left from an earlier run would show as part of this one; history/ and the hand-written
 * configuration (categories.json, environment.properties, executor.json) carry over.
 */
public final class AllureResultsDirectory {
    private AllureResultsDirectory() {}

    /** Deletes the previous run's results, attachments and event log; returns how many files went. */
    public static int clearPreviousRun(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) return 0;
        int deleted = 0;
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                if (isRunOutput(f.getFileName().toString())) {
                    Files.deleteIfExists(f);
                    deleted++;
                }
            }
        }
        return deleted;
    }

    static boolean isRunOutput(String name) {
        return name.endsWith("-result.json") || name.endsWith("-container.json") || name.contains("-attachment")
                || name.equals("robustgate-events.jsonl");
    }
}
