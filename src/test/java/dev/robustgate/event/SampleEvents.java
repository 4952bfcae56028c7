package dev.robustgate.event;

import java.nio.file.Path;
import java.util.List;

/** One instance of every event type, with a NaN, an infinity and an array among them. */
final class SampleEvents {
    private SampleEvents() {}

    static List<Event> all() {
        return List.of(
                new TrainingStarted("mlp", 3, 10, 640),
                new TrainingBatch("mlp", 1, 4, 10, 0.6931),
                new TrainingEpoch("mlp", 1, 3, 0.52, Double.NaN, 1.25),
                new TrainingFinished("mlp", 0.9125, 4.5),
                new CacheHit("mlp", "abc123", Path.of("cache", "mlp-abc123")),
                new CacheMiss("mlp", "abc123", "corrupt entry: \"quoted\"\nsecond line"),
                new AttackStarted("pgd", "mlp", new double[] {0.0, 0.1, Double.POSITIVE_INFINITY}, 200, 40),
                new AttackStep("pgd", 0.1, 0, 7, 40, 31, 0.02),
                new BatchDone("pgd", 100, 200, 8_000_000_000L, 2.5),
                new AttackFinished("pgd(eps=0.1)", "mlp", 0.1, 200, 57, 16_000L, 0L, 5.0),
                new GateChecked("robust-accuracy", "mlp", 0.285, 0.22, Double.NEGATIVE_INFINITY, 200,
                        ">= 0.2", true, "ok"),
                new Query("mnist-lenet", 256, 2, "http 500", 512, Long.MAX_VALUE, 0.01));
    }
}
