package dev.robustgate.event;

/**
 * One finished epoch of a defended training run, scored on held-out samples both clean and under
 * the {@code adversary} crafted against the network as it stands (as deployed: distillation at T = 1).
 */
public record DefenseEpoch(String victim, String defense, int epoch, int epochs, double trainLoss, double cleanLoss,
                           double cleanAccuracy, String adversary, double adversarialLoss, double adversarialAccuracy,
                           int samples, double seconds) implements Event {
    @Override public void deliverTo(EventListener l) { l.onDefenseEpoch(this); }
}
