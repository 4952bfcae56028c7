package dev.robustgate.report;

import dev.robustgate.event.EventBus;
import dev.robustgate.event.Listeners;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Subscribes the reporting listeners once per JVM, whichever entry point (extension, CLI) comes
 * first: Allure steps, console progress bars, and the JSON-lines event log beside the Allure results.
 */
public final class ReportWiring {
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private ReportWiring() {}

    public static void installOnce() {
        if (INSTALLED.compareAndSet(false, true)) {
            EventBus.global().subscribe(new AllureStepListener());
            Listeners.installDefaults(resultsDirectory());
            writeEnvironment(resultsDirectory());
        }
    }

    /** Allure's "Environment" pane: what the numbers were measured on. Best effort, never fails a run. */
    static void writeEnvironment(Path dir) {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("library", dev.robustgate.fixture.VictimCache.LIBRARY);
        p.setProperty("java", System.getProperty("java.vendor") + " " + System.getProperty("java.version"));
        p.setProperty("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        p.setProperty("cores", String.valueOf(Runtime.getRuntime().availableProcessors()));
        p.setProperty("max-heap", (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        try {
            dev.robustgate.AtomicFiles.write(dir.resolve("environment.properties"),
                    out -> p.store(out, "written by RobustGate for Allure"));
        } catch (java.io.IOException | RuntimeException e) {
            System.err.println("[robustgate] could not write " + dir.resolve("environment.properties") + ": " + e);
        }
    }

    /**
     * Where Allure writes this run's results, resolved as Allure resolves it: the system property
     * {@code allure.results.directory}, else {@code allure.properties} on the classpath (RobustGate's
     * jar ships one saying {@code target/allure-results}; a project's own file comes first on the
     * test classpath and wins), else Allure's default {@code allure-results}.
     */
    public static Path resultsDirectory() {
        String configured = System.getProperty(RESULTS_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = io.qameta.allure.util.PropertiesUtils.loadAllureProperties().getProperty(RESULTS_PROPERTY);
        }
        return Paths.get(configured == null || configured.isBlank() ? "allure-results" : configured);
    }

    public static final String RESULTS_PROPERTY = "allure.results.directory";
}
