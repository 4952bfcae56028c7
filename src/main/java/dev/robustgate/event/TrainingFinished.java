package dev.robustgate.event;

public record TrainingFinished(String victim, double cleanAccuracy, double seconds) implements Event {
    @Override public void deliverTo(EventListener l) { l.onTrainingFinished(this); }
}
