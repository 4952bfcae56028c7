package dev.robustgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.robustgate.metric.ConfidenceInterval;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code robustgate eval} run in-process on the small cached victim, on a few dozen images. */
class EvalCommandTest {
    private static final String VICTIM = "fashion-mlp-small";

    @TempDir
    Path tmp;

    private static JsonNode read(Path json) throws IOException {
        return new ObjectMapper().readTree(json.toFile());
    }

    /** A proportion over {@code n} samples: a whole number of them (a value in [0, 1] alone could be anything). */
    private static void assertProportion(JsonNode node, String field, int n) {
        assertThat(node.get(field).isNumber()).as("%s is a number in %s", field, node).isTrue();
        double count = node.get(field).asDouble() * n;
        assertThat(count).as("%s x %d samples", field, n).isCloseTo(Math.rint(count), within(1e-6)).isBetween(0.0, (double) n);
    }

    @Test
    void fgsmSweepWritesTheResultAsJson() throws IOException {
        Path json = tmp.resolve("out/fgsm.json");
        CliRun.Result r = CliRun.run("eval", "--victim", VICTIM, "--attack", "fgsm", "--eps", "0,0.05,0.1",
                "--limit", "50", "--json", json.toString());

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out()).contains("wrote " + json.toAbsolutePath());
        JsonNode root = read(json);
        assertThat(root.get("model").asText()).isEqualTo(VICTIM);
        assertThat(root.get("data").asText()).isEqualTo("fashion-mnist");
        assertThat(root.get("samples").asInt()).isEqualTo(50);
        assertProportion(root, "clean_accuracy", 50);
        assertThat(root.get("attack").asText()).startsWith("FGSM-Linf");
        assertThat(root.get("parameters").isObject()).isTrue();
        assertThat(root.get("parameters").get("attack").asText()).isEqualTo("FGSM-Linf");
        assertThat(root.get("parameters").get("norm").asText()).isEqualTo("Linf");

        JsonNode results = root.get("results");
        assertThat(results.isArray()).isTrue();
        assertThat(results).hasSize(3);
        double[] eps = {0, 0.05, 0.1};
        for (int i = 0; i < 3; i++) {
            JsonNode e = results.get(i);
            assertThat(e.get("attack").asText()).isEqualTo("FGSM-Linf");
            assertThat(e.get("norm").asText()).isEqualTo("Linf");
            assertThat(e.get("eps").asDouble()).isCloseTo(eps[i], within(1e-12));
            assertProportion(e, "robust_accuracy", 50);
            double value = e.get("robust_accuracy").asDouble();
            JsonNode ci = e.get("ci95");
            assertThat(ci.isArray()).isTrue();
            assertThat(ci).hasSize(2);
            // The Clopper-Pearson interval of the robust count over the 50 samples.
            ConfidenceInterval cp = ConfidenceInterval.clopperPearson(Math.round(value * 50), 50, 0.95);
            assertThat(ci.get(0).asDouble()).as("lower end at eps %s", eps[i]).isCloseTo(cp.lower(), within(1e-9));
            assertThat(ci.get(1).asDouble()).as("upper end at eps %s", eps[i]).isCloseTo(cp.upper(), within(1e-9));
            assertThat(e.has("success_rate")).isTrue();
            if (!e.get("success_rate").isNull()) assertProportion(e, "success_rate", (int) Math.round(root.get("clean_accuracy").asDouble() * 50));
            // FGSM: one gradient per attacked (clean-correct) sample, none at eps 0.
            assertThat(e.get("gradient_evaluations").asLong()).isBetween(0L, 50L);
            assertThat(e.get("seconds").isNumber()).as("seconds at eps %s", eps[i]).isTrue();
        }
        assertThat(results.get(0).get("robust_accuracy").asDouble())
                .as("eps 0 changes nothing").isEqualTo(root.get("clean_accuracy").asDouble());
        assertThat(results.get(0).get("gradient_evaluations").asLong()).isZero();
        assertThat(results.get(0).get("success_rate").asDouble()).isZero();
        // Monotonicity in eps is not guaranteed for FGSM, so it is deliberately not asserted.
    }

    @Test
    void pgdRunsWithItsStepOptionsAndStaysWithinItsGradientBudget() throws IOException {
        Path json = tmp.resolve("pgd.json");
        CliRun.Result r = CliRun.run("eval", "--victim", VICTIM, "--attack", "pgd", "--eps", "0.05", "--steps", "5",
                "--limit", "30", "--json", json.toString());

        assertThat(r.exitCode()).as("%s", r).isZero();
        JsonNode root = read(json);
        assertThat(root.get("samples").asInt()).isEqualTo(30);
        assertThat(root.get("attack").asText()).startsWith("PGD-Linf");
        assertThat(root.get("parameters").get("steps").asText()).isEqualTo("5");
        JsonNode results = root.get("results");
        assertThat(results).hasSize(1);
        JsonNode e = results.get(0);
        assertThat(e.get("eps").asDouble()).isEqualTo(0.05);
        assertThat(e.get("gradient_evaluations").asLong()).isBetween(1L, 5L * 30);
        assertThat(e.get("robust_accuracy").asDouble())
                .isLessThanOrEqualTo(root.get("clean_accuracy").asDouble());
        assertThat(root.get("total_gradient_evaluations").asLong()).isLessThanOrEqualTo(5L * 30);
    }

    @Test
    void jsmaRunsTargetedInL0WithinGammaAndItsIterationBudget() throws IOException {
        Path json = tmp.resolve("jsma.json");
        CliRun.Result r = CliRun.run("eval", "--victim", VICTIM, "--attack", "jsma", "--eps", "0.05,0.1", "--gamma", "0.1",
                "--theta", "1", "--limit", "8", "--json", json.toString());

        assertThat(r.exitCode()).as("%s", r).isZero();
        JsonNode root = read(json);
        assertThat(root.get("attack").asText()).startsWith("JSMA");
        assertThat(root.get("parameters").get("norm").asText()).isEqualTo("L0");
        assertThat(root.get("parameters").get("gamma").asText()).isEqualTo("0.1");
        assertThat(root.get("parameters").get("theta").asText()).isEqualTo("1.0");
        assertThat(root.get("parameters").get("targets").asText()).startsWith("random target");
        JsonNode results = root.get("results");
        assertThat(results).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode e = results.get(i);
            assertThat(e.get("norm").asText()).isEqualTo("L0");
            // at most floor(0.1 * 784 / 2) = 39 iterations of one gradient each, per sample
            assertThat(e.get("gradient_evaluations").asLong()).isBetween(1L, 39L * 8);
            assertThat(e.get("max_changed_features").asLong()).isLessThanOrEqualTo((long) (e.get("eps").asDouble() * 784));
        }
        assertThat(root.get("masking").get("skipped").asText()).contains("L0");
    }

    static Stream<Arguments> badInputs() {
        return Stream.of(
                // args, words the one-line message must contain
                Arguments.of(List.of("--victim", VICTIM, "--eps", "-0.1"), List.of("eps", "-0.1")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "nan"), List.of("--eps", "nan")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "NaN"), List.of("eps", "NaN")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--limit", "0"), List.of("--limit", "0")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--attack", "foo"), List.of("unknown attack 'foo'", "fgsm", "pgd", "cw", "strong")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--attack", "square", "--norm", "l2"), List.of("square", "Linf")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--attack", "pgd", "--queries", "10"), List.of("--queries", "square")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--norm", "l3"), List.of("unknown norm 'l3'", "linf", "l2")),
                Arguments.of(List.of("--victim", "nope", "--eps", "0.1"), List.of("unknown victim 'nope'", VICTIM, "fashion-lenet")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--attack", "fgsm", "--steps", "10"), List.of("--steps", "pgd")),
                Arguments.of(List.of("--model", "/nonexistent.zip", "--eps", "0.1"), List.of("/nonexistent.zip", "no such model file")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--attack", "pgd", "--restarts", "3", "--no-random-start"),
                        List.of("--restarts 3", "--no-random-start")),
                // beyond the brief: the other validations, all before any model is loaded
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--attack", "fgsm", "--no-random-start"), List.of("--random-start", "pgd")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--restarts", "3"), List.of("--restarts", "pgd")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--attack", "pgd", "--steps", "0"), List.of("steps", "0")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--attack", "pgd", "--step-size", "-1"), List.of("step size", "-1")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--batch-size", "0"), List.of("batch size", "0")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--targeted", "best"), List.of("--targeted 'best'")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--data", "cifar-99"), List.of("unknown dataset 'cifar-99'")),
                Arguments.of(List.of("--victim", VICTIM, "--model", "/tmp/x.zip", "--eps", "0.1"), List.of("mutually exclusive")),
                Arguments.of(List.of("--eps", "0.1"), List.of("--victim", "--model")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--attack", "jsma", "--theta", "0"), List.of("theta", "0")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--attack", "jsma", "--gamma", "1.5"), List.of("gamma", "1.5")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "2", "--attack", "jsma"), List.of("changed fraction", "2.0")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--attack", "jsma", "--norm", "l2"), List.of("--norm", "jsma", "L0")),
                Arguments.of(List.of("--victim", VICTIM, "--eps", "0.1", "--attack", "fgsm", "--gamma", "0.1"), List.of("--gamma", "jsma")),
                Arguments.of(List.of("--victim", VICTIM), List.of("--eps")));
    }

    @ParameterizedTest(name = "eval {0}")
    @MethodSource("badInputs")
    void badInputExitsTwoWithAMessageNamingTheProblemAndWritesNoJson(List<String> args, List<String> words) {
        Path json = tmp.resolve("never.json");
        List<String> all = new ArrayList<>(List.of("eval"));
        all.addAll(args);
        all.add("--json");
        all.add(json.toString());

        CliRun.Result r = CliRun.run(all.toArray(String[]::new));

        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).as("no stack trace: %s", r).doesNotContain("\tat ").doesNotContain("Exception in thread");
        List<String> lines = r.errLines();
        assertThat(lines).as("%s", r).isNotEmpty();
        // The handler's messages are one line; picocli's own parse errors print that line and then the usage.
        String first = lines.get(0);
        for (String w : words) assertThat(first).as("first line of stderr: %s", r).contains(w);
        assertThat(json).as("no JSON on failure").doesNotExist();
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).as("no temporary JSON left behind").isEmpty();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aHandledErrorIsExactlyOneLine() {
        CliRun.Result r = CliRun.run("eval", "--victim", VICTIM, "--eps", "0.1", "--limit", "0");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).as("%s", r).containsExactly("robustgate eval: --limit must be >= 1, got 0");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void anUnknownVictimListsTheKnownVictimsOnOneLine() {
        CliRun.Result r = CliRun.run("eval", "--victim", "nope", "--eps", "0.1");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).as("%s", r).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("robustgate eval: unknown victim 'nope'; known victims: [")
                .contains("fashion-lenet").contains("fashion-mlp").contains(VICTIM);
    }

    /**
     * --json is checked before any work: a long evaluation must not be lost to a bad path at the end.
     * A directory is refused with one line and exit 2, and no temporary file is left behind.
     */
    @Test
    void aJsonPathThatIsADirectoryIsRejectedUpFront() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("a-directory"));
        Files.writeString(dir.resolve("keep.txt"), "x");

        CliRun.Result r = CliRun.run("eval", "--victim", VICTIM, "--eps", "0.1", "--limit", "5", "--json", dir.toString());

        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).as("%s", r).doesNotContain("\tat ");
        assertThat(r.errLines()).as("%s", r).hasSize(1);
        assertThat(r.out()).as("rejected before the evaluation: %s", r).doesNotContain("robust accuracy");
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("temporary files left behind")
                    .noneMatch(n -> n.startsWith("."));
        }
    }

    /** A --json under a regular file (its directory cannot be created) is refused before the run too. */
    @Test
    void aJsonPathUnderAFileIsRejectedUpFront() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");

        CliRun.Result r = CliRun.run("eval", "--victim", VICTIM, "--eps", "0.1", "--limit", "5",
                "--json", file.resolve("out.json").toString());

        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.err()).as("%s", r).doesNotContain("\tat ");
        assertThat(r.out()).as("rejected before the evaluation: %s", r).doesNotContain("robust accuracy");
    }

    @Test
    void anExistingJsonFileIsReplaced() throws IOException {
        Path json = Files.writeString(tmp.resolve("old.json"), "not json");

        CliRun.Result r = CliRun.run("eval", "--victim", VICTIM, "--eps", "0.1", "--limit", "5", "--json", json.toString());

        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(read(json).get("samples").asInt()).isEqualTo(5);
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left).containsExactly(json);
        }
    }

    @Test
    void shardsWriteTheirSamplesWhosePredictionsAndCountsMergeIntoTheUnshardedRun() throws IOException {
        String[] common = {"eval", "--victim", VICTIM, "--attack", "pgd", "--eps", "0.1", "--steps", "3",
                "--random-start", "--limit", "20"};
        Path full = tmp.resolve("full.json");
        CliRun.Result all = CliRun.run(concat(common, "--shard", "1/1", "--json", full.toString()));
        assertThat(all.exitCode()).as("%s", all).isZero();
        JsonNode whole = read(full);
        int[] merged = new int[20];
        java.util.Arrays.fill(merged, -1);
        int robust = 0;
        int samples = 0;
        for (int s = 1; s <= 3; s++) {
            Path part = tmp.resolve("shard" + s + ".json");
            CliRun.Result r = CliRun.run(concat(common, "--shard", s + "/3", "--json", part.toString()));
            assertThat(r.exitCode()).as("%s", r).isZero();
            JsonNode root = read(part);
            assertThat(root.get("shard").asText()).isEqualTo(s + "/3");
            assertThat(root.get("unsharded_samples").asInt()).isEqualTo(20);
            JsonNode ids = root.get("sample_ids");
            JsonNode preds = root.get("results").get(0).get("adversarial_predictions");
            for (int k = 0; k < ids.size(); k++) merged[ids.get(k).asInt()] = preds.get(k).asInt();
            robust += root.get("results").get(0).get("robust_count").asInt();
            samples += root.get("samples").asInt();
        }
        JsonNode wholePreds = whole.get("results").get(0).get("adversarial_predictions");
        for (int i = 0; i < 20; i++) assertThat(merged[i]).as("sample %d", i).isEqualTo(wholePreds.get(i).asInt());
        assertThat(samples).isEqualTo(20);
        assertThat(robust).isEqualTo(whole.get("results").get(0).get("robust_count").asInt());
        assertThat((double) robust / samples).isEqualTo(whole.get("results").get(0).get("robust_accuracy").asDouble());
    }

    @Test
    void aMalformedShardIsRejectedBeforeAnyWork() {
        CliRun.Result r = CliRun.run("eval", "--victim", VICTIM, "--eps", "0.1", "--shard", "3/2");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("1 <= i <= n").contains("3/2");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
