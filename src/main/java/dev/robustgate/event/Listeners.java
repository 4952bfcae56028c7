package dev.robustgate.event;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Wires the default observers onto {@link EventBus#global()} once per JVM. */
public final class Listeners {

    private static List<EventBus.Subscription> installed;

    private Listeners() {}

    /**
     * Subscribes a {@link ProgressBarListener} (stderr, mode from {@link ProgressBarListener.Mode#detect()},
     * none when {@code -Drobustgate.progress=off}) and a {@link JsonLinesListener} appending to
     * {@code resultsDir/robustgate-events.jsonl}. Idempotent: later calls, whatever their directory, return
     * the subscriptions of the first. Closing a returned subscription unsubscribes its listener and closes
     * it (final bar state printed, file closed). Never throws for an unwritable directory: the event log is
     * then skipped with a warning on stderr.
     */
    public static synchronized List<EventBus.Subscription> installDefaults(Path resultsDir) {
        if (installed != null) return installed;
        EventBus bus = EventBus.global();
        List<EventBus.Subscription> subs = new ArrayList<>();
        ProgressBarListener progress = new ProgressBarListener();
        if (progress.mode() != ProgressBarListener.Mode.OFF) {
            subs.add(closing(bus.subscribe(progress), progress));
        }
        if (resultsDir != null) {
            try {
                JsonLinesListener json = new JsonLinesListener(resultsDir.resolve(JsonLinesListener.DEFAULT_FILE_NAME));
                subs.add(closing(bus.subscribe(json), json));
            } catch (UncheckedIOException e) {
                System.err.println("[robustgate] no event log: " + e.getMessage() + " (" + e.getCause() + ")");
            }
        }
        installed = List.copyOf(subs);
        return installed;
    }

    /** Whether {@link #installDefaults(Path)} has run in this JVM (and not been reset). */
    public static synchronized boolean installed() {
        return installed != null;
    }

    /** Closes the default subscriptions so that the next {@link #installDefaults} installs afresh; for tests. */
    static synchronized void reset() {
        if (installed == null) return;
        installed.forEach(EventBus.Subscription::close);
        installed = null;
    }

    private static EventBus.Subscription closing(EventBus.Subscription sub, AutoCloseable listener) {
        return new EventBus.Subscription() {
            private boolean closed;

            @Override
            public synchronized void close() {
                if (closed) return;
                closed = true;
                sub.close();
                try {
                    listener.close();
                } catch (Exception ignored) {
                    // listeners here close quietly
                }
            }
        };
    }
}
