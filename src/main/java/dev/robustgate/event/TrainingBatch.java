package dev.robustgate.event;

public record TrainingBatch(String victim, int epoch, int batch, int batchesPerEpoch, double loss) implements Event {
    @Override public void deliverTo(EventListener l) { l.onTrainingBatch(this); }
}
