package dev.robustgate.baseline;

/** Which way a metric improves: accuracies go up, attack success rates go down. */
public enum Better {
    HIGHER, LOWER;

    public String word() {
        return this == HIGHER ? "higher" : "lower";
    }
}
