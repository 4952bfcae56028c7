package dev.robustgate.event;

/** One iteration of an iterative attack on one batch; {@code active} samples are still unbroken. */
public record AttackStep(String attack, double eps, int restart, int step, int steps, int active, double seconds)
        implements Event {
    @Override public void deliverTo(EventListener l) { l.onAttackStep(this); }
}
