package dev.robustgate.event;

/** {@code eps} lists every radius evaluated in this run. */
public record AttackStarted(String attack, String victim, double[] eps, int samples, int stepsPerSample) implements Event {
    @Override public void deliverTo(EventListener l) { l.onAttackStarted(this); }
}
