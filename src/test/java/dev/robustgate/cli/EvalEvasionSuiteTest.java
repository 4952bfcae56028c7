package dev.robustgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.robustgate.model.Predictions;
import dev.robustgate.model.TestModelFiles.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import org.nd4j.linalg.indexing.NDArrayIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code robustgate eval} with the attacks of the evasion suite, in-process on the small cached victim. */
class EvalEvasionSuiteTest {
    private static final String VICTIM = "fashion-mlp-small";

    @TempDir
    Path tmp;

    private static JsonNode read(Path json) throws IOException {
        return new ObjectMapper().readTree(json.toFile());
    }

    @Test
    void strongReportsTheWorstCaseEachMembersCostAndTheMaskingChecks() throws IOException {
        Path json = tmp.resolve("strong.json");
        CliRun.Result r = CliRun.run("eval", "--victim", VICTIM, "--attack", "strong", "--eps", "0.03", "--limit", "20",
                "--steps", "10", "--restarts", "2", "--binary-steps", "2", "--queries", "50", "--json", json.toString());
        assertThat(r.exitCode()).as("%s", r).isZero();
        JsonNode root = read(json);
        assertThat(root.get("attack").asText()).startsWith("WorstCase[PGD-Linf").contains("CW-L2").contains("Square-Linf");
        JsonNode members = root.get("members");
        assertThat(members).hasSize(3);
        assertThat(members.get(0).get("samples_attacked").asInt()).isEqualTo(20);
        long gradients = 0;
        long standing = members.get(0).get("samples_attacked").asLong();
        for (JsonNode m : members) {
            gradients += m.get("gradient_evaluations").asLong();
            assertThat(m.get("samples_attacked").asLong()).isLessThanOrEqualTo(standing);
            standing = m.get("samples_attacked").asLong();
        }
        // Square is a black box: no gradients, only queries.
        assertThat(members.get(2).get("gradient_evaluations").asLong()).isZero();
        assertThat(root.get("total_gradient_evaluations").asLong()).isEqualTo(gradients);
        JsonNode masking = root.get("masking");
        assertThat(masking.get("suspected").asBoolean()).as("%s", masking).isFalse();
        assertThat(masking.get("checks")).hasSize(6);
        assertThat(root.get("results").get(0).get("forward_evaluations").asLong()).isPositive();
    }

    @Test
    void deepFoolReportsTheMinimalPerturbationAndSkipsLinfChecksInL2() throws IOException {
        Path json = tmp.resolve("deepfool.json");
        CliRun.Result r = CliRun.run("eval", "--victim", VICTIM, "--attack", "deepfool", "--norm", "l2", "--eps", "0.5,100",
                "--limit", "20", "--json", json.toString());
        assertThat(r.exitCode()).as("%s", r).isZero();
        JsonNode root = read(json);
        JsonNode mp = root.get("minimal_perturbation");
        assertThat(mp.get("norm").asText()).isEqualTo("L2");
        assertThat(mp.get("median_distance").asDouble()).isBetween(0.0, 5.0);
        assertThat(mp.get("rho_adv").asDouble()).isBetween(0.0, 1.0);
        assertThat(mp.get("not_found").asInt()).isZero();
        assertThat(root.get("results").get(1).get("robust_accuracy").asDouble()).isZero();
        assertThat(root.get("masking").get("skipped").asText()).contains("Linf");
    }

    @Test
    void aKerasModelEvaluatesLikeANamedVictim() throws IOException {
        Path h5 = Model.LENET.keras();
        Path json = tmp.resolve("keras.json");
        CliRun.Result r = CliRun.run("eval", "--model", h5.toString(), "--attack", "fgsm", "--eps", "0.1", "--limit", "100",
                "--no-masking-checks", "--json", json.toString());
        assertThat(r.exitCode()).as("%s", r).isZero();
        JsonNode root = read(json);
        // PyTorch's accuracy on the same 100 images, from its committed logits (0.81 for the reference's weights).
        int[] torch = Predictions.argMax(Model.LENET.torchLogits().get(NDArrayIndex.interval(0, 100)));
        int[] labels = Model.LENET.labels(100);
        long correct = java.util.stream.IntStream.range(0, 100).filter(i -> torch[i] == labels[i]).count();
        assertThat(root.get("clean_accuracy").asDouble()).isEqualTo(correct / 100.0);
        assertThat(root.has("masking")).isFalse();
    }
}
