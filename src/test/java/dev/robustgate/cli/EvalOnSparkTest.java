package dev.robustgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robustgate.engine.spark.SparkEngine;
import dev.robustgate.fixture.Victims;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code eval --engine spark --master local[2]} writes the in-process run's JSON, number for number
 * (only wall times and the engine's name differ), including the masking checks and a worst case's
 * members, and so it does when every Spark task's first attempt fails on purpose.
 */
class EvalOnSparkTest {
    private static final String VICTIM = "fashion-mlp-small";

    @TempDir
    Path tmp;

    @Test
    void pgdWithMaskingChecksOnSparkWritesTheInProcessNumbers() throws IOException {
        String[] run = {"eval", "--victim", VICTIM, "--attack", "pgd", "--eps", "0.05,0.1", "--steps", "3",
                "--restarts", "2", "--limit", "40", "--batch-size", "8"};
        JsonNode here = evalJson("here", Map.of(), run);
        JsonNode spark = evalJson("spark", Map.of(), concat(run, "--engine", "spark", "--master", "local[2]", "--partitions", "3"));
        assertThat(spark.get("engine").asText()).isEqualTo("spark local[2], 3 partitions");
        assertThat(spark.get("masking").get("checks")).hasSize(6);
        assertThat(numbers(spark)).isEqualTo(numbers(here));
    }

    @Test
    void aWorstCaseOnSparkWithFailedFirstAttemptsWritesTheInProcessNumbers() throws IOException {
        String[] run = {"eval", "--victim", VICTIM, "--attack", "strong", "--eps", "0.1", "--steps", "4",
                "--binary-steps", "2", "--queries", "30", "--limit", "16", "--batch-size", "4", "--no-masking-checks"};
        JsonNode here = evalJson("here", Map.of(), run);
        var shared = Victims.standard().get(VICTIM).model().counter();
        long before = shared.snapshot().gradient();
        // local[2,2]: two attempts per task; the hook fails every first one after its work is done.
        JsonNode spark = evalJson("spark", Map.of(SparkEngine.FAIL_FIRST_ATTEMPT, "true"),
                concat(run, "--engine", "spark", "--master", "local[2,2]"));
        assertThat(spark.get("members")).hasSize(3);
        // The executor's shared model did every task twice; the JSON counts each once.
        assertThat(shared.snapshot().gradient() - before).isEqualTo(2 * spark.get("total_gradient_evaluations").asLong()).isPositive();
        assertThat(numbers(spark)).isEqualTo(numbers(here));
    }

    @Test
    void aModelFileTravelsByItsHashAndGivesTheInProcessNumbers() throws IOException {
        Path zip;
        try (var entries = java.nio.file.Files.list(Victims.standard().cache().directory())) {
            zip = entries.filter(d -> d.getFileName().toString().startsWith(VICTIM + "-") && java.nio.file.Files.isDirectory(d))
                    .map(d -> d.resolve("model.zip")).filter(java.nio.file.Files::isRegularFile).findFirst().orElseThrow();
        }
        Path model = java.nio.file.Files.copy(zip, tmp.resolve("small-mlp.zip"));
        String[] run = {"eval", "--model", model.toString(), "--attack", "fgsm", "--eps", "0.05,0.1", "--limit", "24",
                "--batch-size", "8", "--no-masking-checks"};
        JsonNode here = evalJson("here", Map.of(), run);
        JsonNode spark = evalJson("spark", Map.of(), concat(run, "--engine", "spark", "--master", "local[2]"));
        assertThat(spark.get("engine").asText()).isEqualTo("spark local[2], 2 partitions");
        assertThat(numbers(spark)).isEqualTo(numbers(here));
    }

    @Test
    void badEngineOptionsAreOneLineErrorsBeforeAnyWork() {
        CliRun.Result r = CliRun.run("eval", "--victim", VICTIM, "--eps", "0.1", "--engine", "flink");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("robustgate eval: unknown --engine 'flink': use in-process or spark");
        r = CliRun.run("eval", "--victim", VICTIM, "--eps", "0.1", "--master", "local[2]");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("robustgate eval: --master applies to --engine spark only");
        r = CliRun.run("eval", "--victim", VICTIM, "--eps", "0.1", "--engine", "spark", "--partitions", "0");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).containsExactly("robustgate eval: --partitions must be >= 1, got 0");
    }

    private JsonNode evalJson(String name, Map<String, String> properties, String... args) throws IOException {
        Path json = tmp.resolve(name + ".json");
        CliRun.Result r = CliRun.run(properties, concat(args, "--json", json.toString()));
        assertThat(r.exitCode()).as("%s", r).isZero();
        return new ObjectMapper().readTree(json.toFile());
    }

    /** The JSON without what may differ between engines: wall times and the engine's name. */
    static JsonNode numbers(JsonNode root) {
        JsonNode copy = root.deepCopy();
        strip(copy);
        return copy;
    }

    private static void strip(JsonNode node) {
        if (node instanceof ObjectNode o) {
            o.remove("seconds");
            o.remove("engine");
        }
        node.forEach(EvalOnSparkTest::strip);
    }

    static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
