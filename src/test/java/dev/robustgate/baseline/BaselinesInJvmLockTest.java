package dev.robustgate.baseline;

import dev.robustgate.metric.Proportion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several {@link Baselines} for one file in one JVM (as when a test suite and a listener each open
 * the project's file), updating at once: a JVM may hold a file's lock only once, so without a lock
 * shared in the JVM they fail with OverlappingFileLockException. Names the file three ways, one of
 * them through a symbolic link.
 */
class BaselinesInJvmLockTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Test
    void instancesForTheSameFileInOneJvmNeverOverlapTheirLocksAndLoseNoEntry(@TempDir Path dir) throws Exception {
        Path real = Files.createDirectories(dir.resolve("specs"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        List<Baselines> instances = List.of(new Baselines(real.resolve("b.json"), CLOCK),
                new Baselines(link.resolve("b.json"), CLOCK), new Baselines(real.resolve("../specs/b.json"), CLOCK));
        int threads = 6, perThread = 20;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                Baselines b = instances.get(t % instances.size());
                int thread = t;
                all.add(CompletableFuture.runAsync(() -> {
                    try {
                        start.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    for (int i = 0; i < perThread; i++) {
                        b.accept("t" + thread + "/g" + i, Proportion.of("robust accuracy", "v", "a", 10 + i, 100), Better.HIGHER, 1);
                    }
                }, pool));
            }
            start.countDown();
            CompletableFuture.allOf(all.toArray(new CompletableFuture[0])).get(120, TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        assertThat(new Baselines(real.resolve("b.json"), CLOCK).entries()).hasSize(threads * perThread);
    }
}
