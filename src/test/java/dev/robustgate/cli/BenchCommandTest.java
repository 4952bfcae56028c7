package dev.robustgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code robustgate bench} in-process on the small cached victim: counts, JSON, and the comparison's verdict. */
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static JsonNode caseNamed(JsonNode root, String name) {
        for (JsonNode c : root.get("cases")) if (c.get("name").asText().equals(name)) return c;
        throw new AssertionError("no case " + name + " in " + root);
    }

    @Test
    void measuresEveryCaseWritesJsonAndFlagsSlowdownsAgainstAPreviousRun() throws IOException {
        Path json = tmp.resolve("bench.json");
        CliRun.Result r = CliRun.run("bench", "--victim", "fashion-mlp-small", "--limit", "24", "--batch-size", "8",
                "--cases", "inference,gradient,fgsm,pgd40", "--warmup", "0", "--reps", "2", "--json", json.toString());
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out()).contains("samples/s").contains("attack_step").contains("CpuBackend");

        JsonNode root = JSON.readTree(json.toFile());
        assertThat(root.get("machine").get("cores").asInt()).isPositive();
        assertThat(root.get("cases")).hasSize(4);
        for (JsonNode c : root.get("cases")) {
            assertThat(c.get("seconds")).as(c.get("name").asText()).hasSize(2);
            assertThat(c.get("samples").asInt()).isEqualTo(24);
        }
        // Work per repetition, in evaluations: the counts the timings are divided by.
        assertThat(caseNamed(root, "inference").get("forwardEvaluations").asLong()).isEqualTo(24);
        assertThat(caseNamed(root, "gradient").get("gradientEvaluations").asLong()).isEqualTo(24);
        long attacked = caseNamed(root, "fgsm").get("gradientEvaluations").asLong();   // the clean-correct samples
        assertThat(attacked).isBetween(1L, 24L);
        assertThat(caseNamed(root, "pgd40").get("gradientEvaluations").asLong()).isEqualTo(40 * attacked);
        assertThat(caseNamed(root, "pgd40").get("latencies").get("attack_step").get("count").asLong())
                .isEqualTo(2 * 40 * 3);   // 2 reps x 40 steps x 3 batches of 8

        // A previous run 100x faster: every case is a slowdown beyond noise, exit 1.
        Path fast = tmp.resolve("fast.json");
        JSON.writeValue(fast.toFile(), scaled(root, 0.01));
        CliRun.Result slower = CliRun.run("bench", "--victim", "fashion-mlp-small", "--limit", "24", "--batch-size", "8",
                "--cases", "inference,gradient", "--warmup", "0", "--reps", "1", "--compare", fast.toString());
        assertThat(slower.exitCode()).as("%s", slower).isEqualTo(1);
        assertThat(slower.out()).contains("SLOWER").contains("slowdown beyond noise: [inference, gradient]");

        // A previous run 100x slower: faster, exit 0.
        Path slow = tmp.resolve("slow.json");
        JSON.writeValue(slow.toFile(), scaled(root, 100));
        CliRun.Result faster = CliRun.run("bench", "--victim", "fashion-mlp-small", "--limit", "24", "--batch-size", "8",
                "--cases", "inference", "--warmup", "0", "--reps", "1", "--compare", slow.toString());
        assertThat(faster.exitCode()).as("%s", faster).isZero();
        assertThat(faster.out()).contains("faster");
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

    private static JsonNode scaled(JsonNode root, double factor) {
        ObjectNode copy = root.deepCopy();
        for (JsonNode c : copy.get("cases")) {
            ArrayNode secs = JSON.createArrayNode();
            for (JsonNode s : c.get("seconds")) secs.add(s.asDouble() * factor);
            ((ObjectNode) c).set("seconds", secs);
        }
        return copy;
    }
}
