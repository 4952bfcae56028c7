package dev.robustgate.data;

/**
 * One shard of an evaluation, written {@code i/n} with i in 1..n (as CI shard options usually
 * are): {@code ./robustgate eval --shard 2/4}, or the system property {@value #PROPERTY} for specs.
 */
public record Shard(int number, int count) {
    public static final String PROPERTY = "robustgate.shard";

    public Shard {
        if (count < 1 || number < 1 || number > count) {
            throw new IllegalArgumentException("shard must be i/n with 1 <= i <= n, got " + number + "/" + count);
        }
    }

    public static Shard parse(String text) {
        String t = text == null ? "" : text.trim();
        int slash = t.indexOf('/');
        try {
            if (slash > 0) {
                return new Shard(Integer.parseInt(t.substring(0, slash)), Integer.parseInt(t.substring(slash + 1)));
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("shard must be i/n with 1 <= i <= n (e.g. 2/4), got '" + text + "'");
    }

    /** The shard named by the system property {@value #PROPERTY}, or null when it is not set. */
    public static Shard fromSystemProperty() {
        String v = System.getProperty(PROPERTY);
        return v == null || v.isBlank() ? null : parse(v);
    }

    /** This shard's samples of {@code data}, keeping their ids in {@code data} (see {@link Dataset#shard}). */
    public Dataset of(Dataset data) {
        return data.shard(number - 1, count);
    }

    @Override
    public String toString() {
        return number + "/" + count;
    }
}
