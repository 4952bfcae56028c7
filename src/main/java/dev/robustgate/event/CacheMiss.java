package dev.robustgate.event;

/** The entry was absent, corrupt or unreadable; {@code reason} says which, and the victim is rebuilt. */
public record CacheMiss(String victim, String key, String reason) implements Event {
    @Override public void deliverTo(EventListener l) { l.onCacheMiss(this); }
}
