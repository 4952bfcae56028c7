package dev.robustgate.event;

public record TrainingStarted(String victim, int epochs, int batchesPerEpoch, int samples) implements Event {
    @Override public void deliverTo(EventListener l) { l.onTrainingStarted(this); }
}
