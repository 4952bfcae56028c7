package dev.robustgate.event;

/** One finished epoch; {@code accuracy} is measured on the held-out test split after the epoch. */
public record TrainingEpoch(String victim, int epoch, int epochs, double meanLoss, double accuracy, double seconds)
        implements Event {
    @Override public void deliverTo(EventListener l) { l.onTrainingEpoch(this); }
}
