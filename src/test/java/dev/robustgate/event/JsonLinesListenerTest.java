package dev.robustgate.event;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonLinesListenerTest {

    private static final Instant NOW = Instant.parse("2025-03-01T12:34:56.789Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path tmp;

    @Test
    void roundTripsEveryEventTypeThroughTheBus() throws Exception {
        Path file = tmp.resolve("nested/dir/events.jsonl");
        EventBus bus = new EventBus();
        try (JsonLinesListener json = new JsonLinesListener(file, CLOCK);
             EventBus.Subscription ignored = bus.subscribe(json)) {
            SampleEvents.all().forEach(bus::publish);
        }

        List<String> raw = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(raw).hasSize(SampleEvents.all().size());
        assertThat(raw).noneMatch(l -> l.contains("NaN") || l.contains("Infinity"));

        List<Map<String, Object>> rows = JsonLinesListener.read(file);
        assertThat(rows).hasSize(SampleEvents.all().size());
        for (int i = 0; i < rows.size(); i++) {
            Event e = SampleEvents.all().get(i);
            Map<String, Object> row = rows.get(i);
            assertThat(row.get("ts")).isEqualTo("2025-03-01T12:34:56.789Z");
            assertThat(row.get("type")).isEqualTo(e.getClass().getSimpleName());
            List<String> expectedKeys = new ArrayList<>(List.of("ts", "type"));
            Arrays.stream(e.getClass().getRecordComponents()).forEach(c -> expectedKeys.add(c.getName()));
            assertThat(row.keySet()).containsExactlyElementsOf(expectedKeys);
        }

        assertThat(rows.get(0)).containsEntry("victim", "mlp").containsEntry("epochs", 3)
                .containsEntry("batchesPerEpoch", 10).containsEntry("samples", 640);
        assertThat(rows.get(1)).containsEntry("loss", 0.6931).containsEntry("batch", 4);
        assertThat(rows.get(2)).containsEntry("accuracy", null).containsEntry("meanLoss", 0.52);
        assertThat(rows.get(3)).containsEntry("cleanAccuracy", 0.9125);
        assertThat(rows.get(4)).containsEntry("entry", Path.of("cache", "mlp-abc123").toString());
        assertThat(rows.get(5)).containsEntry("reason", "corrupt entry: \"quoted\"\nsecond line");
        assertThat(rows.get(6)).containsEntry("eps", Arrays.asList(0.0, 0.1, null)).containsEntry("stepsPerSample", 40);
        assertThat(rows.get(7)).containsEntry("active", 31).containsEntry("eps", 0.1);
        assertThat(rows.get(8)).containsEntry("gradientEvaluations", 8_000_000_000L).containsEntry("done", 100);
        assertThat(rows.get(9)).containsEntry("attack", "pgd(eps=0.1)").containsEntry("robust", 57);
        assertThat(rows.get(10)).containsEntry("upper", null).containsEntry("passed", true)
                .containsEntry("lower", 0.22).containsEntry("samples", 200);
    }

    /** An event that is not a record is written from its bean properties, NaN still becoming null. */
    public static final class PlainEvent implements Event {
        public String getName() { return "plain"; }
        public double getScore() { return Double.NaN; }
        public double[] getValues() { return new double[] {1.5, Double.NEGATIVE_INFINITY}; }
        @Override public void deliverTo(EventListener listener) {}
    }

    @Test
    void nonRecordEventsAreWrittenFromTheirProperties() {
        Path file = tmp.resolve("plain.jsonl");
        try (JsonLinesListener json = new JsonLinesListener(file, CLOCK)) {
            json.write(new PlainEvent());
        }
        assertThat(JsonLinesListener.read(file).get(0)).containsEntry("type", "PlainEvent")
                .containsEntry("name", "plain").containsEntry("score", null)
                .containsEntry("values", Arrays.asList(1.5, null));
    }

    @Test
    void timestampIsAnIso8601Instant() {
        Path file = tmp.resolve("ts.jsonl");
        try (JsonLinesListener json = new JsonLinesListener(file)) {
            json.onCacheMiss(new CacheMiss("v", "k", "absent"));
        }
        String ts = (String) JsonLinesListener.read(file).get(0).get("ts");
        assertThat(Instant.parse(ts)).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(1));
    }

    @Test
    void appendsToAnExistingFileAndIgnoresEventsAfterClose() {
        Path file = tmp.resolve("append.jsonl");
        JsonLinesListener first = new JsonLinesListener(file, CLOCK);
        first.onCacheMiss(new CacheMiss("a", "k", "absent"));
        first.close();
        assertThatCode(() -> first.onCacheMiss(new CacheMiss("ignored", "k", "closed"))).doesNotThrowAnyException();
        assertThat(first.isOpen()).isFalse();
        try (JsonLinesListener second = new JsonLinesListener(file, CLOCK)) {
            second.onCacheMiss(new CacheMiss("b", "k", "absent"));
        }
        assertThat(JsonLinesListener.read(file)).extracting(m -> m.get("victim")).containsExactly("a", "b");
    }

    @Test
    void eachLineIsOnDiskAsSoonAsItIsWritten() throws Exception {
        Path file = tmp.resolve("flush.jsonl");
        JsonLinesListener json = new JsonLinesListener(file, CLOCK);
        try {
            json.onBatchDone(new BatchDone("pgd", 1, 2, 3, 0.5));
            // not closed: a crash now must still leave the line
            assertThat(Files.readAllLines(file)).hasSize(1);
            assertThat(JsonLinesListener.read(file)).hasSize(1);
        } finally {
            json.close();
        }
    }

    @Test
    void readSkipsALastLineCutShortButRejectsABrokenLineInTheMiddle() throws Exception {
        Path cut = tmp.resolve("cut.jsonl");
        Files.writeString(cut, "{\"ts\":\"x\",\"type\":\"A\"}\n\n{\"ts\":\"y\",\"type\":\"B\",\"do");
        assertThat(JsonLinesListener.read(cut)).extracting(m -> m.get("type")).containsExactly("A");

        Path broken = tmp.resolve("broken.jsonl");
        Files.writeString(broken, "{\"ts\":\"x\"\n{\"ts\":\"y\"}\n");
        assertThatThrownBy(() -> JsonLinesListener.read(broken)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("line 1");
    }

    @Test
    void anUnopenableFileFailsAtConstruction() throws Exception {
        Path notADir = Files.writeString(tmp.resolve("plain-file"), "x");
        assertThatThrownBy(() -> new JsonLinesListener(notADir.resolve("events.jsonl")))
                .isInstanceOf(UncheckedIOException.class).hasMessageContaining("events.jsonl");
    }

    @Test
    void concurrentPublishersFromFourThreadsGiveIntactLines() throws Exception {
        Path file = tmp.resolve("concurrent.jsonl");
        int threads = 4;
        int perThread = 2_000;
        String padding = "x".repeat(300); // long lines make torn writes likelier
        EventBus bus = new EventBus();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (JsonLinesListener json = new JsonLinesListener(file);
             EventBus.Subscription ignored = bus.subscribe(json)) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        bus.publish(new CacheMiss("thread-" + id, Integer.toString(i), padding));
                        bus.publish(new AttackStarted("pgd", "t" + id, new double[] {i, Double.NaN}, i, 1));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) f.get(60, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }

        List<String> raw = Files.readAllLines(file);
        assertThat(raw).hasSize(threads * perThread * 2).allMatch(l -> l.startsWith("{\"ts\":\"") && l.endsWith("}"));
        List<Map<String, Object>> rows = JsonLinesListener.read(file);
        assertThat(rows).hasSize(threads * perThread * 2);
        Map<String, Integer> nextKey = new HashMap<>();
        for (Map<String, Object> row : rows) {
            if (!row.get("type").equals("CacheMiss")) {
                assertThat(row.get("eps")).isInstanceOf(List.class);
                assertThat(((List<?>) row.get("eps")).get(1)).isNull();
                continue;
            }
            assertThat(row.get("reason")).isEqualTo(padding);
            String victim = (String) row.get("victim");
            int expected = nextKey.getOrDefault(victim, 0);
            assertThat(row.get("key")).as("order within " + victim).isEqualTo(Integer.toString(expected));
            nextKey.put(victim, expected + 1);
        }
        assertThat(nextKey).hasSize(threads).allSatisfy((k, v) -> assertThat(v).isEqualTo(perThread));
    }
}
