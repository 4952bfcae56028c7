package dev.robustgate.model;

import java.util.concurrent.atomic.AtomicLong;

/**
 * How many queries (samples sent to a prediction API) a client may spend. Charged before a request
 * goes out, for every attempt, so a retried request costs again: the server saw it both times.
 */
public final class QueryBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    private QueryBudget(long limit) {
        this.limit = limit;
    }

    /** At most {@code limit} queries; limit >= 0. */
    public static QueryBudget of(long limit) {
        if (limit < 0) throw new IllegalArgumentException("query budget must be >= 0, got " + limit);
        return new QueryBudget(limit);
    }

    public static QueryBudget unlimited() {
        return new QueryBudget(Long.MAX_VALUE);
    }

    /**
     * Spends {@code n} queries, or none when fewer than {@code n} are left.
     *
     * @throws QueryBudgetExceededException if fewer than {@code n} are left (nothing is spent then)
     */
    public void charge(long n) {
        if (n < 0) throw new IllegalArgumentException("cannot charge " + n + " queries");
        while (true) {
            long u = used.get();
            if (n > limit - u) {
                throw new QueryBudgetExceededException(n, u, limit);
            }
            if (used.compareAndSet(u, u + n)) return;
        }
    }

    public long used() { return used.get(); }
    public long limit() { return limit; }
    public long remaining() { return limit == Long.MAX_VALUE ? Long.MAX_VALUE : limit - used.get(); }
    public boolean isUnlimited() { return limit == Long.MAX_VALUE; }
}
