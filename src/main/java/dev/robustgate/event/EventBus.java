package dev.robustgate.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Synchronous publish/subscribe. One process-wide bus ({@link #global()}) because events come
 * from deep inside attacks and training, where threading a bus through every call would bloat
 * every signature for the sake of observers.
 */
public final class EventBus {
    private static final EventBus GLOBAL = new EventBus();

    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();

    public static EventBus global() {
        return GLOBAL;
    }

    /** Registers {@code listener} until the returned handle is closed. */
    public Subscription subscribe(EventListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Delivers to every listener; a failing listener is reported and never breaks the publisher. */
    public void publish(Event event) {
        for (EventListener l : listeners) {
            try {
                event.deliverTo(l);
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                System.err.println("[robustgate] event listener " + l.getClass().getName() + " failed on "
                        + event.getClass().getSimpleName() + ": " + e);
            }
        }
    }

    public static void emit(Event event) {
        GLOBAL.publish(event);
    }

    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
