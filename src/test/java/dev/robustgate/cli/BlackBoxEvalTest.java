package dev.robustgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.robustgate.model.TestModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code eval} on a black-box ONNX model: models/mlp_bn_fmnist_blackbox.onnx is the committed MLP
 * with a final LogSoftmax, an op the graph executor lacks, so it runs through ONNX Runtime with
 * scores only (src/test/python/blackbox_model.py). Square runs; gradient attacks are refused with one
 * line and exit 2; the masking checks that need gradients are reported as not applicable.
 */
class BlackBoxEvalTest {
    private static final Path BLACK_BOX = TestModelFiles.resource("models/mlp_bn_fmnist_blackbox.onnx");
    private static final Path WHITE_BOX = TestModelFiles.resource("models/mlp_bn_fmnist.onnx");
    private static final String NOTICE = "running it as a black box through ONNX Runtime";

    @TempDir
    Path dir;

    private static CliRun.Result eval(Path model, String... args) {
        List<String> all = new ArrayList<>(List.of("eval", "--model", model.toString()));
        all.addAll(List.of(args));
        if (!all.contains("--limit")) all.addAll(List.of("--limit", "40"));
        return CliRun.run(all.toArray(String[]::new));
    }

    private static JsonNode json(Path file) throws IOException {
        return new ObjectMapper().readTree(file.toFile());
    }

    @Test
    void squareRunsOnTheBlackBoxAndMatchesSquareOnTheSameWeightsAsAWhiteBox() throws IOException {
        Path black = dir.resolve("black.json"), white = dir.resolve("white.json");
        String[] square = {"--attack", "square", "--eps", "0.05,0.1", "--queries", "100", "--seed", "11", "--no-masking-checks"};
        CliRun.Result b = eval(BLACK_BOX, concat(square, "--json", black.toString()));
        CliRun.Result w = eval(WHITE_BOX, concat(square, "--json", white.toString()));
        assertThat(b.exitCode()).as(b.toString()).isZero();
        assertThat(w.exitCode()).as(w.toString()).isZero();
        // Going ahead on the black box: the CLI says why, in one line, once.
        assertThat(b.errLines().stream().filter(l -> l.contains(NOTICE)).toList()).as(b.toString())
                .singleElement().asString().contains("LogSoftmax");
        assertThat(w.err()).doesNotContain(NOTICE);
        JsonNode jb = json(black), jw = json(white);
        // softmax(log_softmax(z)) = softmax(z): the same predictions; 40 images, the MLP's 0.8551 on 10k.
        assertThat(jb.get("clean_accuracy").asDouble()).isEqualTo(jw.get("clean_accuracy").asDouble()).isGreaterThan(0.6);
        assertThat(jb.get("total_gradient_evaluations").asLong()).isZero();
        assertThat(jb.get("forward_evaluations").asLong()).isPositive();
        for (int k = 0; k < 2; k++) {
            JsonNode rb = jb.get("results").get(k), rw = jw.get("results").get(k);
            assertThat(rb.get("gradient_evaluations").asLong()).isZero();
            // Square reads logit margins; the black box's log-probabilities have the same margins, so
            // the search is the same up to float rounding: at most one of 40 samples may differ.
            assertThat(Math.abs(rb.get("robust_accuracy").asDouble() - rw.get("robust_accuracy").asDouble()))
                    .as("eps %s: black %s vs white %s", rb.get("eps"), rb.get("robust_accuracy"), rw.get("robust_accuracy"))
                    .isLessThanOrEqualTo(1.0 / 40 + 1e-9);
        }
        assertThat(jb.get("results").get(1).get("robust_accuracy").asDouble())
                .isLessThan(jb.get("clean_accuracy").asDouble());
    }

    @Test
    void aGradientAttackOnTheBlackBoxIsRefusedWithOneLineAndExitTwo() {
        for (String attack : List.of("pgd", "fgsm", "strong")) {
            CliRun.Result r = eval(BLACK_BOX, "--attack", attack, "--eps", "0.05", "--no-masking-checks");
            assertThat(r.exitCode()).as(r.toString()).isEqualTo(2);
            // Exactly one line: the refusal, without the black-box notice (the run does not go ahead).
            List<String> errors = r.errLines();
            assertThat(errors).as(r.toString()).hasSize(1);
            assertThat(errors.get(0)).contains("--attack " + attack, "needs input gradients", "mlp_bn_fmnist_blackbox",
                    "black box (scores only)", "--attack square");
            assertThat(r.out()).doesNotContain("robust accuracy");
        }
    }

    @Test
    void maskingChecksThatNeedGradientsAreNotApplicableOnTheBlackBox() throws IOException {
        Path out = dir.resolve("masking.json");
        CliRun.Result r = eval(BLACK_BOX, "--attack", "square", "--eps", "0.03,0.1", "--queries", "50", "--limit", "30",
                "--json", out.toString());
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode masking = json(out).get("masking");
        List<String> notApplicable = new ArrayList<>(), run = new ArrayList<>();
        for (JsonNode c : masking.get("checks")) {
            (c.get("applicable").asBoolean() ? run : notApplicable).add(c.get("name").asText());
            if (!c.get("applicable").asBoolean()) {
                assertThat(c.get("suspected").asBoolean()).isFalse();
                assertThat(c.get("evidence").asText()).contains("needs input gradients", "black box");
            }
        }
        assertThat(run).containsExactly("accuracy rises with eps", "randomised outputs (use EOT)");
        assertThat(notApplicable).containsExactly("unbounded PGD stays above chance", "black box beats white box",
                "FGSM beats PGD", "zero or non-finite gradients");
        assertThat(masking.get("summary").asText()).contains("2 checks run, 4 not applicable");
        assertThat(r.out()).contains("n/a FGSM beats PGD", "ok randomised outputs");
    }

    @Test
    void onAPartitionedEngineTheBlackBoxGivesTheOneJvmNumbersAndTheSameNotApplicableChecks() throws IOException {
        // The engine's own masking-check evaluator (partitions > 1) asks the loaded model whether it has gradients.
        Path one = dir.resolve("one.json"), parts = dir.resolve("parts.json");
        String[] args = {"--attack", "square", "--eps", "0.05,0.1", "--queries", "50", "--limit", "24", "--batch-size", "8"};
        CliRun.Result a = eval(BLACK_BOX, concat(args, "--json", one.toString()));
        CliRun.Result b = eval(BLACK_BOX, concat(args, "--partitions", "3", "--json", parts.toString()));
        assertThat(a.exitCode()).as(a.toString()).isZero();
        assertThat(b.exitCode()).as(b.toString()).isZero();
        // The loaders are silent: one notice from the CLI, not one per partition.
        assertThat(b.errLines().stream().filter(l -> l.contains(NOTICE)).toList()).as(b.toString()).hasSize(1);
        JsonNode ja = json(one), jb = json(parts);
        assertThat(withoutTimes(jb.get("results"))).as("merged by sample id = one JVM").isEqualTo(withoutTimes(ja.get("results")));
        for (JsonNode j : List.of(ja, jb)) {
            long notApplicable = 0;
            for (JsonNode c : j.get("masking").get("checks")) if (!c.get("applicable").asBoolean()) notApplicable++;
            assertThat(notApplicable).isEqualTo(4);
        }
    }

    private static JsonNode withoutTimes(JsonNode results) {
        JsonNode copy = results.deepCopy();
        for (JsonNode r : copy) ((com.fasterxml.jackson.databind.node.ObjectNode) r).remove("seconds");
        return copy;
    }

    private static String[] concat(String[] a, String... b) {
        String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
