package dev.robustgate.event;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

class EventBusTest {

    @Test
    void deliversEachEventToItsOwnMethod() {
        EventBus bus = new EventBus();
        List<String> calls = new ArrayList<>();
        EventListener l = new EventListener() {
            @Override public void onBatchDone(BatchDone e) { calls.add("batch " + e.done()); }
            @Override public void onCacheMiss(CacheMiss e) { calls.add("miss " + e.reason()); }
            @Override public void onGateChecked(GateChecked e) { calls.add("gate " + e.passed()); }
        };
        try (EventBus.Subscription ignored = bus.subscribe(l)) {
            bus.publish(new BatchDone("pgd", 10, 20, 400, 0.5));
            bus.publish(new CacheMiss("v", "k", "absent"));
            bus.publish(new CacheHit("v", "k", java.nio.file.Path.of("x")));   // default no-op
            bus.publish(new GateChecked("acc", "v", 0.9, 0.8, 0.95, 100, ">= 0.8", true, "ok"));
        }
        assertThat(calls).containsExactly("batch 10", "miss absent", "gate true");
    }

    @Test
    void everyEventTypeReachesCountingListener() {
        EventBus bus = new EventBus();
        CountingListener counts = new CountingListener();
        try (EventBus.Subscription ignored = bus.subscribe(counts)) {
            SampleEvents.all().forEach(bus::publish);
        }
        assertThat(counts.counts()).hasSize(SampleEvents.all().size()).allSatisfy((type, n) -> assertThat(n).isEqualTo(1));
        for (Event e : SampleEvents.all()) assertThat(counts.count(e.getClass())).isEqualTo(1);
    }

    @Test
    void aFailingListenerNeitherStopsOthersNorReachesThePublisher() {
        EventBus bus = new EventBus();
        CountingListener before = new CountingListener();
        CountingListener after = new CountingListener();
        bus.subscribe(before);
        bus.subscribe(new EventListener() {
            @Override public void onBatchDone(BatchDone e) { throw new IllegalStateException("boom"); }
        });
        bus.subscribe(after);

        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertThatCode(() -> bus.publish(new BatchDone("pgd", 1, 2, 3, 0.1))).doesNotThrowAnyException();
        } finally {
            System.setErr(saved);
        }
        assertThat(before.count(BatchDone.class)).isEqualTo(1);
        assertThat(after.count(BatchDone.class)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("BatchDone").contains("boom");
    }

    @Test
    void closingTheSubscriptionUnsubscribes() {
        EventBus bus = new EventBus();
        CountingListener counts = new CountingListener();
        EventBus.Subscription sub = bus.subscribe(counts);
        bus.publish(new CacheMiss("v", "k", "absent"));
        sub.close();
        bus.publish(new CacheMiss("v", "k", "absent"));
        sub.close(); // twice is harmless
        assertThat(counts.total()).isEqualTo(1);
    }
}
