package dev.robustgate.attack;

/** Derives independent per-sample seeds, so random draws do not depend on batching or sharding. */
public final class Seeds {
    private Seeds() {}

    public static long mix(long seed, long a, long b) {
        long h = seed * 0x9E3779B97F4A7C15L + a;
        h = (h ^ (h >>> 33)) * 0xFF51AFD7ED558CCDL + b;
        h = (h ^ (h >>> 33)) * 0xC4CEB9FE1A85EC53L;
        return h ^ (h >>> 33);
    }
}
