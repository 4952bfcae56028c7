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
        }
    }

    public static Path resultsDirectory() {
        return Paths.get(System.getProperty("allure.results.directory", "allure-results"));
    }
}
