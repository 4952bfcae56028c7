package dev.robustgate.baseline;

import dev.robustgate.metric.Proportion;
import org.apache.commons.math3.distribution.HypergeometricDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The edges of the baseline package that mutation testing (mvn -Pmutation verify) found untested:
 * the exact p-values and the strictness of the significance test, the limits a hand-edited entry
 * must respect, where the project's file is, and the stale-entry report.
 */
class BaselineEdgesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-30T03:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static Proportion measured(long k, long n) {
        return Proportion.of("robust accuracy", "m", "PGD", k, n);
    }

    private static BaselineEntry base(long k, long n, Better better) {
        return BaselineEntry.of(measured(k, n), better, 7, Instant.EPOCH);
    }

    private static BaselineEntry entry(double lo, double hi, long k, long n) {
        return new BaselineEntry("robust accuracy", "m", "PGD", Better.HIGHER, n == 0 ? 0 : (double) k / n, k, n,
                new double[]{lo, hi}, 0.95, 7, "2026-11-30T03:00:00Z");
    }

    @Test
    void pValuesAreTheHypergeometricTails() {
        // 40 of 100 now, 50 of 100 before, higher is better: 90 good outcomes among 200, 100 of them now.
        var v = BaselineComparison.compare(measured(40, 100), base(50, 100, Better.HIGHER), 0.01);
        HypergeometricDistribution h = new HypergeometricDistribution(null, 200, 90, 100);
        assertThat(v.pWorse()).isCloseTo(h.cumulativeProbability(40), within(1e-12));
        assertThat(v.pBetter()).isCloseTo(h.upperCumulativeProbability(40), within(1e-12));
        // Lower is better: the failures are the good outcomes (60 now, 50 before).
        var lower = BaselineComparison.compare(measured(40, 100), base(50, 100, Better.LOWER), 0.01);
        HypergeometricDistribution g = new HypergeometricDistribution(null, 200, 110, 100);
        assertThat(lower.pWorse()).isCloseTo(g.cumulativeProbability(60), within(1e-12));
        assertThat(lower.pBetter()).isCloseTo(g.upperCumulativeProbability(60), within(1e-12));
        // No good outcome now: nothing can be more favourable than that... to the baseline.
        assertThat(BaselineComparison.compare(measured(0, 10), base(5, 10, Better.HIGHER), 0.01).pBetter()).isEqualTo(1.0);
    }

    @Test
    void aPValueEqualToTheSignificanceIsNotSignificant() {
        var worse = BaselineComparison.compare(measured(30, 100), base(50, 100, Better.HIGHER), 0.01);
        assertThat(worse.outcome()).isEqualTo(BaselineComparison.Outcome.REGRESSION);
        var atTheEdge = BaselineComparison.compare(measured(30, 100), base(50, 100, Better.HIGHER), worse.pWorse());
        assertThat(atTheEdge.outcome()).isEqualTo(BaselineComparison.Outcome.NO_SIGNIFICANT_CHANGE);
        var better = BaselineComparison.compare(measured(70, 100), base(50, 100, Better.HIGHER), 0.01);
        assertThat(better.outcome()).isEqualTo(BaselineComparison.Outcome.IMPROVEMENT);
        assertThat(BaselineComparison.compare(measured(70, 100), base(50, 100, Better.HIGHER), better.pBetter()).outcome())
                .isEqualTo(BaselineComparison.Outcome.NO_SIGNIFICANT_CHANGE);
    }

    @Test
    void theSignificanceMustLieStrictlyBetweenZeroAndOneHalf() {
        BaselineEntry b = base(5, 10, Better.HIGHER);
        assertThatThrownBy(() -> BaselineComparison.compare(measured(5, 10), b, 0.0)).hasMessageContaining("(0, 0.5), got 0.0");
        assertThatThrownBy(() -> BaselineComparison.compare(measured(5, 10), b, 0.5)).hasMessageContaining("got 0.5");
        assertThat(BaselineComparison.compare(measured(5, 10), b, Double.MIN_VALUE).outcome())
                .isEqualTo(BaselineComparison.Outcome.NO_SIGNIFICANT_CHANGE);
        assertThat(BaselineComparison.compare(measured(5, 10), b, Math.nextDown(0.5)).significance()).isEqualTo(Math.nextDown(0.5));
    }

    @Test
    void anEntryMayHaveADegenerateIntervalAndAllOrNoSuccesses() {
        entry(0.5, 0.5, 5, 10).validate("e");
        entry(0.0, 0.3, 0, 10).validate("e");
        entry(0.7, 1.0, 10, 10).validate("e");
        assertThatThrownBy(() -> entry(0.0, 1.0, 0, 0).validate("e")).hasMessageContaining("samples > 0, got 0 of 0");
        assertThatThrownBy(() -> entry(0.0, 1.0, 11, 10).validate("e")).hasMessageContaining("got 11 of 10");
        assertThatThrownBy(() -> entry(0.6, 0.5, 5, 10).validate("e")).hasMessageContaining("interval must be [lower, upper]");
        BaselineEntry offByMore = new BaselineEntry("a", "s", "m", Better.HIGHER, 0.502, 5, 10, new double[]{0.2, 0.8}, 0.95, 7, "t");
        assertThatThrownBy(() -> offByMore.validate("e")).hasMessageContaining("disagrees with 5/10");
        new BaselineEntry("a", "s", "m", Better.HIGHER, 0.5009, 5, 10, new double[]{0.2, 0.8}, 0.95, 7, "t").validate("e");
    }

    @Test
    void anEntryNamesWhatWasMeasured() {
        assertThat(base(5, 10, Better.HIGHER).what()).isEqualTo("robust accuracy under PGD on m");
        BaselineEntry noMethod = BaselineEntry.of(Proportion.of("clean accuracy", "m", "", 5, 10), Better.HIGHER, 7, Instant.EPOCH);
        assertThat(noMethod.what()).isEqualTo("clean accuracy on m");
        assertThat(Better.HIGHER.word()).isEqualTo("higher");
        assertThat(Better.LOWER.word()).isEqualTo("lower");
    }

    @Test
    void acceptCreatesTheDirectoryAndEntriesReadsBackWhatWasAccepted() {
        Path f = dir.resolve("new/sub/baselines.json");
        Baselines b = new Baselines(f, CLOCK);
        assertThat(b.file()).isEqualTo(f.toAbsolutePath().normalize());
        b.accept("g", measured(3, 4), Better.HIGHER, 9);
        assertThat(Files.isRegularFile(f)).isTrue();
        Map<String, BaselineEntry> all = new Baselines(f, CLOCK).entries();
        assertThat(all).containsOnlyKeys("g");
        assertThat(all.get("g").successes()).isEqualTo(3);
        assertThat(all.get("g").seed()).isEqualTo(9);
        assertThatThrownBy(() -> b.accept(" ", measured(3, 4), Better.HIGHER, 9)).hasMessageContaining("must not be blank");
    }

    @Test
    void aFileOfAnotherFormatIsRefused() throws Exception {
        Path f = dir.resolve("b.json");
        Files.writeString(f, "{\"format\": 2, \"test\": \"t\", \"gates\": {}}");
        assertThatThrownBy(() -> new Baselines(f, CLOCK).entries()).hasMessageContaining("has format 2").hasMessageContaining("reads format 1");
        Files.writeString(f, "{\"format\": 1, \"test\": \"t\", \"gates\": {}}");
        assertThat(new Baselines(f, CLOCK).entries()).isEmpty();
    }

    @Test
    void aCorruptFileNamesTheLineItBreaksOn() throws Exception {
        Path f = dir.resolve("broken.json");
        Files.writeString(f, "{\n  \"format\": 1,\n  \"gates\": {,\n}");
        assertThatThrownBy(() -> new Baselines(f, CLOCK).entries()).hasMessageContaining("corrupt baseline file")
                .hasMessageContaining("(line 3)");
    }

    @Test
    void theStandardFileIsTheProperty_elseRobustnessSpecs_elseTheConsumerDefault() throws Exception {
        String dirBefore = System.getProperty("robustgate.project.dir"), fileBefore = System.getProperty(Baselines.FILE_PROPERTY),
                updateBefore = System.getProperty(Baselines.UPDATE_PROPERTY);
        try {
            System.setProperty("robustgate.project.dir", dir.toString());
            System.clearProperty(Baselines.FILE_PROPERTY);
            assertThat(Baselines.standard().file()).isEqualTo(dir.resolve(Baselines.CONSUMER_DEFAULT).toAbsolutePath().normalize());
            Files.createDirectories(dir.resolve("robustness-specs"));
            assertThat(Baselines.standard().file()).isEqualTo(dir.resolve("robustness-specs/baselines.json").toAbsolutePath().normalize());
            System.setProperty(Baselines.FILE_PROPERTY, " ");
            assertThat(Baselines.standard().file()).isEqualTo(dir.resolve("robustness-specs/baselines.json").toAbsolutePath().normalize());
            System.setProperty(Baselines.FILE_PROPERTY, "gates/b.json");
            assertThat(Baselines.standard().file()).isEqualTo(dir.resolve("gates/b.json").toAbsolutePath().normalize());
            System.setProperty(Baselines.UPDATE_PROPERTY, "true");
            assertThat(Baselines.updateRequested()).isTrue();
            System.setProperty(Baselines.UPDATE_PROPERTY, "no");
            assertThat(Baselines.updateRequested()).isFalse();
        } finally {
            restore("robustgate.project.dir", dirBefore);
            restore(Baselines.FILE_PROPERTY, fileBefore);
            restore(Baselines.UPDATE_PROPERTY, updateBefore);
        }
    }

    @Test
    void entriesNoSpecCheckedAreStaleAndDescribedOnePerLine() {
        Path f = dir.resolve("usage.json");
        Baselines b = new Baselines(f, CLOCK);
        b.accept("a/one", measured(1, 2), Better.HIGHER, 7);
        b.accept("b/two", measured(2, 4), Better.HIGHER, 7);
        b.accept("c/three", measured(3, 4), Better.HIGHER, 7);
        assertThat(BaselineUsage.stale(b)).containsOnlyKeys("a/one", "b/two", "c/three");
        BaselineUsage.checked(b, "b/two");
        assertThat(BaselineUsage.checkedIn(f)).containsExactly("b/two");
        Map<String, BaselineEntry> stale = BaselineUsage.stale(b);
        assertThat(stale).containsOnlyKeys("a/one", "c/three");
        assertThat(BaselineUsage.describeStale(b, stale)).isEqualTo("2 stale baseline entries in " + b.file()
                + " (no spec checked them in this full run; a renamed or deleted gate leaves its value behind):"
                + "\n  - a/one: 0.500 [0.013, 0.987] n=2 (seed 7)"
                + "\n  - c/three: 0.750 [0.194, 0.994] n=4 (seed 7)"
                + "\n  remove them from the file, or run the spec that checks them (mvn test -Dtest=SPEC)");
        assertThat(BaselineUsage.describeStale(b, Map.of("a/one", stale.get("a/one")))).startsWith("1 stale baseline entry in ")
                .contains("(no spec checked it in");
        assertThat(BaselineUsage.checkedIn(dir.resolve("other.json"))).isEmpty();
    }

    private static void restore(String key, String value) {
        if (value == null) System.clearProperty(key);
        else System.setProperty(key, value);
    }
}
