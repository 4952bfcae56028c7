package dev.robustgate.model;

import dev.robustgate.RobustGateException;

/** A request would spend more queries than its client's {@link QueryBudget} has left. */
public final class QueryBudgetExceededException extends RobustGateException {
    private final long requested;
    private final long used;
    private final long limit;

    public QueryBudgetExceededException(long requested, long used, long limit) {
        super("query budget exhausted: " + requested + " queries requested, " + used + " of " + limit + " used, "
                + (limit - used) + " left");
        this.requested = requested;
        this.used = used;
        this.limit = limit;
    }

    public long requested() { return requested; }
    public long used() { return used; }
    public long limit() { return limit; }
}
