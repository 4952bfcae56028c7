package dev.robustgate.bench;

import dev.robustgate.event.AttackStep;
import dev.robustgate.event.BatchDone;
import dev.robustgate.event.EventBus;
import dev.robustgate.event.TrainingBatch;
import dev.robustgate.event.TrainingEpoch;
import dev.robustgate.event.TrainingStarted;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BenchmarkListenerTest {

    @Test
    void attackStepAndBatchTimingsFromTheBusLandInHistograms() {
        EventBus bus = new EventBus();
        BenchmarkListener l = new BenchmarkListener();
        try (EventBus.Subscription ignored = bus.subscribe(l)) {
            for (int i = 1; i <= 99; i++) bus.publish(new AttackStep("PGD-Linf", 0.1, 0, i, 99, 10, i / 1000.0));
            bus.publish(new BatchDone("PGD-Linf", 256, 1000, 2560, 2.5));
        }
        Latency steps = l.latencies().get("attack_step");
        assertThat(steps.count()).isEqualTo(99);
        assertThat(steps.minMs()).isCloseTo(1.0, within(0.01));
        assertThat(steps.p50Ms()).isCloseTo(50.0, within(0.1));
        assertThat(steps.maxMs()).isCloseTo(99.0, within(0.1));
        assertThat(l.latencies().get("attack_batch").p50Ms()).isCloseTo(2500.0, within(2.0));
        assertThat(l.latencies()).doesNotContainKey("training_batch");

        l.reset();
        assertThat(l.latencies()).isEmpty();
    }

    @Test
    void trainingBatchLatencyIsTheTimeBetweenBatchEventsOfAnEpoch() throws InterruptedException {
        EventBus bus = new EventBus();
        BenchmarkListener l = new BenchmarkListener();
        try (EventBus.Subscription ignored = bus.subscribe(l)) {
            bus.publish(new TrainingStarted("v", 1, 3, 384));
            for (int b = 1; b <= 3; b++) {
                Thread.sleep(20);
                bus.publish(new TrainingBatch("v", 1, b, 3, 0.5));
            }
            bus.publish(new TrainingEpoch("v", 1, 1, 0.5, 0.8, 0.1));
            Thread.sleep(50);   // evaluation after the epoch: not a batch
            bus.publish(new TrainingBatch("v", 2, 1, 3, 0.5));
        }
        Latency t = l.latencies().get("training_batch");
        assertThat(t.count()).isEqualTo(3);
        assertThat(t.minMs()).isGreaterThanOrEqualTo(19.0);
    }
}
