package dev.robustgate.event;

/** One finished epoch; {@code accuracy} is measured on a held-out check set, or NaN when none was used. */
public record TrainingEpoch(String victim, int epoch, int epochs, double meanLoss, double accuracy, double seconds)
        implements Event {
    @Override public void deliverTo(EventListener l) { l.onTrainingEpoch(this); }
}
