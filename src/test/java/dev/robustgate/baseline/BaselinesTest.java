package dev.robustgate.baseline;

import dev.robustgate.RobustGateException;
import dev.robustgate.metric.Proportion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BaselinesTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T16:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private static Proportion robust(long k, long n) {
        return Proportion.of("robust accuracy", "fashion-mlp-ci-pgd-at", "PGD-Linf(eps=0.1)", k, n);
    }

    private static BaselineEntry entry(long k, long n, Better better) {
        return BaselineEntry.of(robust(k, n), better, 7, Instant.EPOCH);
    }

    @Test
    void aMissingFileHoldsNoBaselines() {
        Baselines b = new Baselines(dir.resolve("none.json"), CLOCK);
        assertThat(b.entries()).isEmpty();
        assertThat(b.get("x")).isEmpty();
    }

    @Test
    void acceptWritesASortedReadableFileAndReportsTheDiff() throws Exception {
        Path f = dir.resolve("baselines.json");
        Baselines b = new Baselines(f, CLOCK);
        assertThat(b.accept("z/gate", robust(520, 1000), Better.HIGHER, 7)).isEqualTo("+ z/gate: 0.520 [0.489, 0.551] n=1000 (seed 7) (new)");
        assertThat(b.accept("a/gate", robust(100, 200), Better.HIGHER, 3)).startsWith("+ a/gate: 0.500");
        assertThat(b.accept("z/gate", robust(540, 1000), Better.HIGHER, 7))
                .isEqualTo("~ z/gate: 0.520 [0.489, 0.551] n=1000 (seed 7) -> 0.540 [0.509, 0.571] n=1000 (seed 7)");
        String text = Files.readString(f);
        assertThat(text.indexOf("\"a/gate\"")).isLessThan(text.indexOf("\"z/gate\""));
        assertThat(text).contains("\"format\" : 1", "Fisher", "\"successes\" : 540", "\"samples\" : 1000", "\"seed\" : 7",
                "\"better\" : \"HIGHER\"", "\"accepted\" : \"2026-11-22T16:00:00Z\"");
        assertThat(new Baselines(f, CLOCK).get("z/gate")).get().extracting(BaselineEntry::successes).isEqualTo(540L);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("baselines.json", "baselines.json.lock");
        }
    }

    @Test
    void aCorruptFileIsAnErrorNamingIt() throws Exception {
        Path f = dir.resolve("baselines.json");
        Files.writeString(f, "{\"format\": 1, \"gates\": {\"a\": {\"metric\": \"robust acc");
        Baselines b = new Baselines(f, CLOCK);
        assertThatThrownBy(() -> b.get("a")).isInstanceOf(BaselineFileException.class).isInstanceOf(RobustGateException.class)
                .hasMessageContaining("corrupt baseline file " + f.toAbsolutePath()).hasMessageContaining("line");
        // An update never overwrites a file it cannot read.
        assertThatThrownBy(() -> b.accept("a", robust(1, 2), Better.HIGHER, 1)).isInstanceOf(BaselineFileException.class);
        assertThat(Files.readString(f)).endsWith("robust acc");
    }

    @Test
    void entriesThatDoNotAddUpAreCorrupt() throws Exception {
        Path f = dir.resolve("baselines.json");
        Files.writeString(f, """
                {"format": 1, "test": "", "gates": {"g": {"metric": "robust accuracy", "subject": "m", "method": "",
                 "better": "HIGHER", "value": 0.9, "successes": 20, "samples": 10, "interval": [0.1, 0.2], "level": 0.95,
                 "seed": 7, "accepted": "x"}}}""");
        assertThatThrownBy(() -> new Baselines(f, CLOCK).entries()).isInstanceOf(BaselineFileException.class)
                .hasMessageContaining("gate 'g'").hasMessageContaining("20 of 10");
        Files.writeString(f, "{\"format\": 2, \"test\": \"\", \"gates\": {}}");
        assertThatThrownBy(() -> new Baselines(f, CLOCK).entries()).hasMessageContaining("format 2");
        Files.writeString(f, "[]");
        assertThatThrownBy(() -> new Baselines(f, CLOCK).entries()).isInstanceOf(BaselineFileException.class);
    }

    @Test
    void aSignificantDropIsARegressionAndNoiseIsNot() {
        BaselineEntry base = entry(520, 1000, Better.HIGHER);
        assertThat(BaselineComparison.compare(robust(400, 1000), base, 0.01).outcome()).isEqualTo(BaselineComparison.Outcome.REGRESSION);
        assertThat(BaselineComparison.compare(robust(500, 1000), base, 0.01).outcome())
                .isEqualTo(BaselineComparison.Outcome.NO_SIGNIFICANT_CHANGE);
        assertThat(BaselineComparison.compare(robust(640, 1000), base, 0.01).outcome()).isEqualTo(BaselineComparison.Outcome.IMPROVEMENT);
        // Small samples need a large drop: 9/10 -> 6/10 is not significant at 99%, 10/10 -> 0/10 is.
        assertThat(BaselineComparison.compare(robust(6, 10), entry(9, 10, Better.HIGHER), 0.01).regressed()).isFalse();
        assertThat(BaselineComparison.compare(robust(0, 10), entry(10, 10, Better.HIGHER), 0.01).regressed()).isTrue();
    }

    @Test
    void forALowerIsBetterMetricARiseIsTheRegression() {
        BaselineEntry success = entry(300, 1000, Better.LOWER);
        assertThat(BaselineComparison.compare(robust(400, 1000), success, 0.01).regressed()).isTrue();
        assertThat(BaselineComparison.compare(robust(200, 1000), success, 0.01).outcome())
                .isEqualTo(BaselineComparison.Outcome.IMPROVEMENT);
    }

    @Test
    void theFisherTailMatchesAHandComputation() {
        // 1/3 now vs 3/3 before: tables with at most 1 success of the 4 among the 3 new samples.
        // P(X <= 1), X ~ Hypergeometric(N=6, K=4, n=3) = [C(4,1)C(2,2)] / C(6,3) = 4/20 = 0.2.
        var v = BaselineComparison.compare(robust(1, 3), entry(3, 3, Better.HIGHER), 0.01);
        assertThat(v.pWorse()).isCloseTo(0.2, org.assertj.core.api.Assertions.within(1e-12));
        assertThatThrownBy(() -> BaselineComparison.compare(robust(1, 3), entry(3, 3, Better.HIGHER), 0.7))
                .hasMessageContaining("got 0.7");
    }
}
