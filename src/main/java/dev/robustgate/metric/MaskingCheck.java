package dev.robustgate.metric;

/**
 * One sanity check of a robustness evaluation: whether it suggests gradient masking, and the
 * evidence. A check that cannot run on the model (a gradient check on a black box) is not
 * {@link #applicable()}: reported as such with the reason as its evidence, never as passed.
 */
public record MaskingCheck(String name, boolean suspected, String evidence, boolean applicable) {
    public MaskingCheck {
        if (suspected && !applicable) throw new IllegalArgumentException("a check that did not run cannot flag: " + name);
    }

    public MaskingCheck(String name, boolean suspected, String evidence) {
        this(name, suspected, evidence, true);
    }

    /** {@code name} did not run on this model, because {@code reason}. */
    public static MaskingCheck notApplicable(String name, String reason) {
        return new MaskingCheck(name, false, reason, false);
    }

    @Override
    public String toString() {
        return (!applicable ? "n/a " : suspected ? "SUSPECTED " : "ok ") + name + ": " + evidence;
    }
}
