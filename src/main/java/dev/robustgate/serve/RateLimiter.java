package dev.robustgate.serve;

import java.util.function.LongSupplier;

/**
 * A token bucket over queries (samples): {@code capacity} queries at once, refilled at
 * {@code perSecond}. A request that would overdraw it is refused whole.
 */
final class RateLimiter {
    private final double capacity;
    private final double perSecond;
    private final LongSupplier nanoClock;
    private double tokens;
    private long last;

    RateLimiter(double capacity, double perSecond, LongSupplier nanoClock) {
        if (!(capacity >= 1) || !(perSecond >= 0)) {
            throw new IllegalArgumentException("rate limit needs capacity >= 1 and refill >= 0 queries/s, got "
                    + capacity + " and " + perSecond);
        }
        this.capacity = capacity;
        this.perSecond = perSecond;
        this.nanoClock = nanoClock;
        this.tokens = capacity;
        this.last = nanoClock.getAsLong();
    }

    /** Takes {@code queries} tokens if there are enough; otherwise the seconds until there will be (>= 0). */
    synchronized double tryAcquire(long queries) {
        long now = nanoClock.getAsLong();
        tokens = Math.min(capacity, tokens + (now - last) / 1e9 * perSecond);
        last = now;
        if (queries <= tokens) {
            tokens -= queries;
            return 0;
        }
        if (queries > capacity || perSecond == 0) return Double.POSITIVE_INFINITY;
        return (queries - tokens) / perSecond;
    }
}
