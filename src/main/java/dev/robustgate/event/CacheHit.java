package dev.robustgate.event;

import java.nio.file.Path;

public record CacheHit(String victim, String key, Path entry) implements Event {
    @Override public void deliverTo(EventListener l) { l.onCacheHit(this); }
}
