package dev.robustgate.junit;

/** A check on one end of a proportion's confidence interval. */
public final class BoundAssert {
    private final ProportionAssert owner;
    private final double bound;
    private final String name;

    BoundAssert(ProportionAssert owner, double bound, String name) {
        this.owner = owner;
        this.bound = bound;
        this.name = name;
    }

    public ProportionAssert isAtLeast(double threshold) {
        owner.check(bound, ">=", threshold, name);
        return owner;
    }

    public ProportionAssert isAtMost(double threshold) {
        owner.check(bound, "<=", threshold, name);
        return owner;
    }
}
