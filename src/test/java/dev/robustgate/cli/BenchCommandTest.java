package dev.robustgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robustgate.bench.BenchmarkComparison;
import dev.robustgate.bench.BenchmarkReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code robustgate bench} in-process on the small cached victim: counts, JSON, and that --compare reports BenchmarkComparison's verdict. */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static JsonNode caseNamed(JsonNode root, String name) {
        for (JsonNode c : root.get("cases")) if (c.get("name").asText().equals(name)) return c;
        throw new AssertionError("no case " + name + " in " + root);
    }

    @Test
    void measuresEveryCaseWritesJsonAndReportsTheComparisonsVerdict() throws IOException {
        Path json = tmp.resolve("bench.json");
        CliRun.Result r = CliRun.run("bench", "--victim", "fashion-mlp-small", "--limit", "24", "--batch-size", "8",
                "--cases", "inference,gradient,fgsm,pgd40", "--warmup", "0", "--reps", "2", "--json", json.toString());
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out()).contains("samples/s").contains("attack_step").contains("CpuBackend");
        // Peak RSS per case (the format is PeakRssTest's; here only that every case and the JSON carry one).
        assertThat(r.out().lines().filter(l -> l.trim().startsWith("max RSS ") && !l.contains("over the cases")).count()).as("%s", r).isEqualTo(4);
        assertThat(r.out()).contains("max RSS over the cases (VmHWM): ");

        JsonNode root = JSON.readTree(json.toFile());
        assertThat(root.get("machine").get("cores").asInt()).isPositive();
        assertThat(root.get("cases")).hasSize(4);
        for (JsonNode c : root.get("cases")) {
            assertThat(c.get("seconds")).as(c.get("name").asText()).hasSize(2);
            assertThat(c.get("samples").asInt()).isEqualTo(24);
            assertThat(c.has("maxRssBytes")).as(c.get("name").asText()).isTrue();
        }
        // Work per repetition, in evaluations: the counts the timings are divided by.
        assertThat(caseNamed(root, "inference").get("forwardEvaluations").asLong()).isEqualTo(24);
        assertThat(caseNamed(root, "gradient").get("gradientEvaluations").asLong()).isEqualTo(24);
        long attacked = caseNamed(root, "fgsm").get("gradientEvaluations").asLong();   // the clean-correct samples
        assertThat(attacked).isBetween(1L, 24L);
        assertThat(caseNamed(root, "pgd40").get("gradientEvaluations").asLong()).isEqualTo(40 * attacked);
        assertThat(caseNamed(root, "pgd40").get("latencies").get("attack_step").get("count").asLong())
                .isEqualTo(2 * 40 * 3);   // 2 reps x 40 steps x 3 batches of 8

        // --compare: the verdict is BenchmarkComparison's on the two reports (its logic is tested on synthetic numbers in
        // BenchmarkComparisonTest); here only that the command compares what it measured with what it read, prints
        // every row and exits 1 exactly when a row is a slowdown. Asserting "slower" or "faster" here would test the
        // machine's load: the current times are real.
        Path previous = tmp.resolve("previous.json");
        JSON.writeValue(previous.toFile(), withSeconds(root, 0.05, 0.06));
        Path current = tmp.resolve("current.json");
        CliRun.Result compared = CliRun.run("bench", "--victim", "fashion-mlp-small", "--limit", "24", "--batch-size", "8",
                "--cases", "inference,gradient", "--warmup", "0", "--reps", "2", "--json", current.toString(),
                "--compare", previous.toString());
        List<BenchmarkComparison.Row> rows = BenchmarkComparison.compare(BenchmarkReport.read(previous), BenchmarkReport.read(current));
        assertThat(rows).extracting(BenchmarkComparison.Row::name).containsExactly("inference", "gradient");
        for (BenchmarkComparison.Row row : rows) assertThat(row.previousMedian()).as(row.name()).isCloseTo(0.055, within(1e-12));
        List<String> slower = rows.stream().filter(BenchmarkComparison.Row::slowdown).map(BenchmarkComparison.Row::name).toList();
        assertThat(compared.exitCode()).as("%s", compared).isEqualTo(slower.isEmpty() ? 0 : 1);
        assertThat(compared.out()).contains("compared with " + previous);
        for (BenchmarkComparison.Row row : rows) assertThat(compared.out()).contains(row.toString());
        if (slower.isEmpty()) assertThat(compared.out()).doesNotContain("slowdown beyond noise");
        else assertThat(compared.out()).contains("slowdown beyond noise: " + slower);
    }

    @Test
    void badOptionsFailBeforeAnyWork() {
        CliRun.Result r = CliRun.run("bench", "--victim", "fashion-mlp-small", "--cases", "inference,warp");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("unknown case 'warp'").contains("pgd40");
        CliRun.Result missing = CliRun.run("bench", "--compare", tmp.resolve("none.json").toString(), "--cases", "inference");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("none.json").contains("no such benchmark report");
    }

    /** The report with every case's repetition times replaced by the given (synthetic) ones. */
    private static JsonNode withSeconds(JsonNode root, double... seconds) {
        ObjectNode copy = root.deepCopy();
        for (JsonNode c : copy.get("cases")) {
            ArrayNode secs = JSON.createArrayNode();
            for (double s : seconds) secs.add(s);
            ((ObjectNode) c).set("seconds", secs);
        }
        return copy;
    }
}
