package dev.robustgate.event;

public record AttackFinished(String attack, String victim, double eps, int samples, int robust,
                             long gradientEvaluations, long forwardEvaluations, double seconds) implements Event {
    @Override public void deliverTo(EventListener l) { l.onAttackFinished(this); }
}
