package dev.robustgate.metric;

/** One sanity check of a robustness evaluation: whether it suggests gradient masking, and the evidence. */
public record MaskingCheck(String name, boolean suspected, String evidence) {
    @Override
    public String toString() {
        return (suspected ? "SUSPECTED " : "ok ") + name + ": " + evidence;
    }
}
