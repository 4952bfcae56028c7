package dev.robustgate.event;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Counts events by concrete type and keeps the most recent ones, for tests and benchmarks. Thread-safe.
 *
 * <pre>{@code
 * CountingListener counts = new CountingListener(100);
 * try (var sub = EventBus.global().subscribe(counts)) {
 *     runAttack();
 * }
 * assertThat(counts.count(BatchDone.class)).isEqualTo(4);
 * }</pre>
 */
public final class CountingListener implements EventListener {

    public static final int DEFAULT_CAPACITY = 1_000;

    private final int capacity;
    private final Map<Class<?>, Integer> counts = new LinkedHashMap<>();
    private final Deque<Event> recent = new ArrayDeque<>();
    private long total;

    public CountingListener() {
        this(DEFAULT_CAPACITY);
    }

    /** @param capacity how many of the latest events to keep (0 keeps none, only counts) */
    public CountingListener(int capacity) {
        if (capacity < 0) throw new IllegalArgumentException("capacity must be >= 0: " + capacity);
        this.capacity = capacity;
    }

    @Override public void onTrainingStarted(TrainingStarted e) { record(e); }
    @Override public void onTrainingBatch(TrainingBatch e) { record(e); }
    @Override public void onTrainingEpoch(TrainingEpoch e) { record(e); }
    @Override public void onTrainingFinished(TrainingFinished e) { record(e); }
    @Override public void onDefenseEpoch(DefenseEpoch e) { record(e); }
    @Override public void onCacheHit(CacheHit e) { record(e); }
    @Override public void onCacheMiss(CacheMiss e) { record(e); }
    @Override public void onAttackStarted(AttackStarted e) { record(e); }
    @Override public void onAttackStep(AttackStep e) { record(e); }
    @Override public void onBatchDone(BatchDone e) { record(e); }
    @Override public void onAttackFinished(AttackFinished e) { record(e); }
    @Override public void onGateChecked(GateChecked e) { record(e); }
    @Override public void onQuery(Query e) { record(e); }

    /** Counts and keeps {@code e}; also usable directly for events without a listener method. */
    public synchronized void record(Event e) {
        if (e == null) return;
        counts.merge(e.getClass(), 1, Integer::sum);
        total++;
        if (capacity == 0) return;
        if (recent.size() == capacity) recent.removeFirst();
        recent.addLast(e);
    }

    /** Snapshot of the counts by event class, in order of first appearance. */
    public synchronized Map<Class<?>, Integer> counts() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(counts));
    }

    public synchronized int count(Class<?> type) {
        return counts.getOrDefault(type, 0);
    }

    /** All events counted since creation or the last {@link #reset()}, including those no longer kept. */
    public synchronized long total() {
        return total;
    }

    /** The kept events, oldest first. */
    public synchronized List<Event> recent() {
        return List.copyOf(recent);
    }

    /** The kept events of {@code type}, oldest first. */
    public synchronized <T extends Event> List<T> recent(Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Event e : recent) if (type.isInstance(e)) out.add(type.cast(e));
        return out;
    }

    /** The latest kept event of {@code type}. */
    public synchronized <T extends Event> Optional<T> last(Class<T> type) {
        var it = recent.descendingIterator();
        while (it.hasNext()) {
            Event e = it.next();
            if (type.isInstance(e)) return Optional.of(type.cast(e));
        }
        return Optional.empty();
    }

    public int capacity() {
        return capacity;
    }

    public synchronized void reset() {
        counts.clear();
        recent.clear();
        total = 0;
    }

    @Override
    public synchronized String toString() {
        StringBuilder sb = new StringBuilder("CountingListener{");
        counts.forEach((k, v) -> sb.append(k.getSimpleName()).append('=').append(v).append(", "));
        if (!counts.isEmpty()) sb.setLength(sb.length() - 2);
        return sb.append('}').toString();
    }
}
