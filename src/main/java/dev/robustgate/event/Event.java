package dev.robustgate.event;

/**
 * A plain record published synchronously on the {@link EventBus}. Each event hands itself to the
 * matching listener method, so listeners override only what they care about.
 */
public interface Event {
    void deliverTo(EventListener listener);
}
