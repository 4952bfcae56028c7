package dev.robustgate.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BenchmarkComparisonTest {
    private static final MachineInfo MACHINE = new MachineInfo(2, "jvm", "os", "CpuBackend", "OPENBLAS", 2, 2, 2, "null", 0.5);

    private static BenchmarkReport report(long samples, double... pgdSeconds) {
        List<Double> s = java.util.Arrays.stream(pgdSeconds).boxed().toList();
        return new BenchmarkReport("m", "direct-ops", Map.of(), MACHINE,
                List.of(new Measurement("pgd40", "PGD", samples, s, 40 * samples, samples, Map.of())), MACHINE);
    }

    @Test
    void aSlowdownBeyondBothRunsSpreadIsFlagged() {
        var rows = BenchmarkComparison.compare(report(1000, 10.0, 10.2, 9.9), report(1000, 12.0, 12.1, 11.9));
        assertThat(rows).hasSize(1);
        assertThat(rows.get(0).ratio()).isCloseTo(1.2, within(1e-3));   // medians 12.0 / 10.0
        assertThat(rows.get(0).slowdown()).isTrue();
        assertThat(rows.get(0).toString()).contains("SLOWER");
    }

    @Test
    void aChangeWithinTheNoiseIsNotFlagged() {
        // 4% slower: under the 5% floor.
        assertThat(BenchmarkComparison.compare(report(1000, 10.0), report(1000, 10.4)).get(0).slowdown()).isFalse();
        // 30% slower, but the previous run itself spread 40%: noise, not a regression.
        var noisy = BenchmarkComparison.compare(report(1000, 8.0, 10.0, 12.0), report(1000, 13.0)).get(0);
        assertThat(noisy.noise()).isCloseTo(0.4, within(1e-9));
        assertThat(noisy.slowdown()).isFalse();
    }

    @Test
    void runsOverDifferentSampleCountsCompareTimePerSample() {
        // 1000 samples in 10 s then 100 samples in 1.5 s: 50% slower per sample.
        var row = BenchmarkComparison.compare(report(1000, 10.0), report(100, 1.5)).get(0);
        assertThat(row.ratio()).isCloseTo(1.5, within(1e-9));
        assertThat(row.slowdown()).isTrue();
        assertThat(BenchmarkComparison.compare(report(1000, 10.0), report(100, 0.5)).get(0).speedup()).isTrue();
    }

    @Test
    void measurementsReportMedianAndRates() {
        Measurement m = new Measurement("gradient", "g", 500, List.of(2.0, 1.0, 4.0, 3.0), 500, 0, Map.of());
        assertThat(m.median()).isEqualTo(2.5);
        assertThat(m.min()).isEqualTo(1.0);
        assertThat(m.max()).isEqualTo(4.0);
        assertThat(m.samplesPerSecond()).isEqualTo(200.0);
        assertThat(m.gradientsPerSecond()).isEqualTo(200.0);
        assertThat(m.relativeSpread()).isEqualTo(1.2);
    }
}
