package dev.robustgate.report;

import dev.robustgate.event.EventBus;

import java.util.concurrent.atomic.AtomicBoolean;

/** Subscribes the reporting listeners once per JVM, whichever entry point (extension, CLI) comes first. */
public final class ReportWiring {
    private static final AtomicBoolean INSTALLED = new AtomicBoolean();

    private ReportWiring() {}

    public static void installOnce() {
        if (INSTALLED.compareAndSet(false, true)) {
            EventBus.global().subscribe(new AllureStepListener());
        }
    }
}
