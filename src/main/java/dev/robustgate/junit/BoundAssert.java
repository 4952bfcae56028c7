package dev.robustgate.junit;

import dev.robustgate.metric.GateSensitivity;

/** A check on one end of a proportion's confidence interval. */
public final class BoundAssert {
    private final ProportionAssert owner;
    private final GateSensitivity.Statistic bound;

    BoundAssert(ProportionAssert owner, GateSensitivity.Statistic bound) {
        this.owner = owner;
        this.bound = bound;
    }

    public ProportionAssert isAtLeast(double threshold) {
        owner.check(bound, ">=", threshold);
        return owner;
    }

    public ProportionAssert isAtMost(double threshold) {
        owner.check(bound, "<=", threshold);
        return owner;
    }
}
