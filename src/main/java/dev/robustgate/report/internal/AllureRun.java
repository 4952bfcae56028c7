package dev.robustgate.report.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The start of a run's Allure results: the previous run's results go (see
 * {@link AllureResultsDirectory}) and RobustGate's {@code categories.json} is written when the
 * directory has none. Once per directory per JVM: a gate run nested inside a test run (the CLI's
 * own tests run {@code robustgate gate} in-process) must not wipe the results the outer run has
 * already written; before this, the nested gate cleared allure-results in the middle of
 * {@code mvn test} and the report lost every JUnit spec class.
 */
public final class AllureRun {
    static final String CATEGORIES = "categories.json";
    private static final Set<Path> STARTED = ConcurrentHashMap.newKeySet();

    private AllureRun() {}

    /**
     * Starts a run in {@code dir} unless this JVM already did; returns whether this call started it.
     * Never throws: a report directory that cannot be cleaned is reported, never a reason to fail tests.
     */
    public static boolean startOnce(Path dir) {
        Path key = dir.toAbsolutePath().normalize();
        if (!STARTED.add(key)) return false;
        try {
            AllureResultsDirectory.clearPreviousRun(key);
            writeCategoriesIfMissing(key);
        } catch (IOException | RuntimeException e) {
            System.err.println("[robustgate] could not start the Allure results in " + key + ": " + e);
        }
        return true;
    }

    /** Whether this JVM has started a run in {@code dir}. */
    public static boolean started(Path dir) {
        return STARTED.contains(dir.toAbsolutePath().normalize());
    }

    static void writeCategoriesIfMissing(Path dir) throws IOException {
        Path target = dir.resolve(CATEGORIES);
        if (Files.exists(target)) return;
        try (InputStream in = AllureRun.class.getResourceAsStream("/dev/robustgate/report/" + CATEGORIES)) {
            if (in == null) throw new IOException("resource " + CATEGORIES + " missing from the RobustGate jar");
            byte[] bytes = in.readAllBytes();
            dev.robustgate.AtomicFiles.write(target, out -> out.write(bytes));
        }
    }
}
