package dev.robustgate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Compares a run with a previous one, case by case. A case is a slowdown when its median time
 * grew by more than the noise: the larger of the two runs' own spreads ((max - min) / median)
 * and a floor of {@value #NOISE_FLOOR}, because two repetitions that happen to agree do not
 * make a machine quiet.
 */
public final class BenchmarkComparison {
    public static final double NOISE_FLOOR = 0.05;

    private BenchmarkComparison() {}

    /** One case in both runs: the ratio of median times (current / previous) and the noise it must exceed. */
    public record Row(String name, double previousMedian, double currentMedian, double noise) {
        public double ratio() { return currentMedian / previousMedian; }
        public boolean slowdown() { return ratio() > 1 + noise; }
        public boolean speedup() { return ratio() < 1 / (1 + noise); }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%-14s %9.3f s -> %9.3f s  x%.3f (noise %.0f%%)%s", name, previousMedian,
                    currentMedian, ratio(), noise * 100, slowdown() ? "  SLOWER" : speedup() ? "  faster" : "");
        }
    }

    public static List<Row> compare(BenchmarkReport previous, BenchmarkReport current) {
        List<Row> rows = new ArrayList<>();
        for (Measurement c : current.cases()) {
            Measurement p = previous.find(c.name());
            if (p == null) continue;
            // Per-sample times, so runs over different --limit values still compare.
            double prev = p.median() / p.samples();
            double cur = c.median() / c.samples();
            double noise = Math.max(NOISE_FLOOR, Math.max(p.relativeSpread(), c.relativeSpread()));
            rows.add(new Row(c.name(), prev * c.samples(), cur * c.samples(), noise));
        }
        return rows;
    }
}
