package dev.robustgate.baseline;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which baseline entries the specs of this JVM checked, per baseline file, so that a full run can
 * name the entries no spec checked: gates that were renamed or deleted, whose accepted values
 * would otherwise sit in the file forever looking like protection.
 */
public final class BaselineUsage {
    private static final Map<Path, Set<String>> CHECKED = new ConcurrentHashMap<>();

    private BaselineUsage() {}

    /** Records that gate {@code id} of {@code baselines} was checked (compared or accepted). */
    public static void checked(Baselines baselines, String id) {
        CHECKED.computeIfAbsent(baselines.file(), f -> ConcurrentHashMap.newKeySet()).add(id);
    }

    /** The ids checked so far against {@code file}. */
    public static Set<String> checkedIn(Path file) {
        return Set.copyOf(CHECKED.getOrDefault(file.toAbsolutePath().normalize(), Set.of()));
    }

    /** Entries of {@code baselines} that no spec of this JVM checked, with their accepted values. */
    public static Map<String, BaselineEntry> stale(Baselines baselines) {
        Set<String> seen = checkedIn(baselines.file());
        Map<String, BaselineEntry> stale = new TreeMap<>();
        baselines.entries().forEach((id, e) -> {
            if (!seen.contains(id)) stale.put(id, e);
        });
        return stale;
    }

    /** Ids of {@code stale}, one per line, each with its value and the command that drops it. */
    public static String describeStale(Baselines baselines, Map<String, BaselineEntry> stale) {
        Set<String> ids = new TreeSet<>(stale.keySet());
        StringBuilder sb = new StringBuilder();
        sb.append(ids.size()).append(" stale baseline ").append(ids.size() == 1 ? "entry" : "entries")
                .append(" in ").append(baselines.file()).append(" (no spec checked ").append(ids.size() == 1 ? "it" : "them")
                .append(" in this full run; a renamed or deleted gate leaves its value behind):");
        for (String id : ids) sb.append("\n  - ").append(id).append(": ").append(stale.get(id).brief());
        sb.append("\n  remove them from the file, or run the spec that checks them (mvn test -Dtest=SPEC)");
        return sb.toString();
    }
}
