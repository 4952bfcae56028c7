package dev.robustgate.junit.internal;

import dev.robustgate.data.Shard;

/**
 * Whether this run selected a part of the specs: Surefire's {@code -Dtest} / {@code -Dgroups}
 * (which Surefire passes on to the test JVM as system properties), a shard, or the CLI's
 * {@code --select}. Only a full run may call a spec class unrun or a baseline entry stale.
 */
public record RunScope(String selection) {
    public static final String SELECT_PROPERTY = "robustgate.gate.select";

    public boolean full() {
        return selection == null;
    }

    public static RunScope current() {
        for (String p : new String[]{"test", "groups", "excludedGroups", "it.test", Shard.PROPERTY, SELECT_PROPERTY}) {
            String v = System.getProperty(p);
            if (v != null && !v.isBlank()) return new RunScope("-D" + p + "=" + v);
        }
        return new RunScope(null);
    }
}
