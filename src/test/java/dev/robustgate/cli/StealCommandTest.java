package dev.robustgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code robustgate steal}: the JSON the issue specifies, and one-line errors. */
class StealCommandTest {
    private static final String VICTIM = "mnist-mlp";

    @TempDir
    Path tmp;

    @Test
    void writesTheSpecifiedJson() throws IOException {
        Path json = tmp.resolve("out/steal.json");
        Path png = tmp.resolve("out/curve.png");
        CliRun.Result r = CliRun.run("steal", "--victim", VICTIM, "--strategy", "uniform", "--budget", "300",
                "--arch", "mlp-16", "--epochs", "1", "--checkpoints", "100", "--json", json.toString(), "--plot", png.toString());

        assertThat(r.exitCode()).as("%s", r).isZero();
        JsonNode out = new ObjectMapper().readTree(json.toFile());
        List<String> keys = new ArrayList<>();
        out.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("victim", "strategy", "budget", "queries_used", "agreement",
                "knockoff_accuracy", "victim_accuracy", "curve");
        assertThat(out.get("victim").asText()).isEqualTo(VICTIM);
        assertThat(out.get("strategy").asText()).isEqualTo("uniform");
        assertThat(out.get("budget").asLong()).isEqualTo(300);
        assertThat(out.get("queries_used").asLong()).isEqualTo(300);
        assertThat(out.get("curve")).hasSize(2);
        assertThat(out.get("curve").get(0).get("queries").asLong()).isEqualTo(100);
        assertThat(out.get("curve").get(1).get("queries").asLong()).isEqualTo(300);
        assertThat(out.get("curve").get(1).get("agreement").asDouble()).isEqualTo(out.get("agreement").asDouble());
        assertThat(out.get("victim_accuracy").asDouble()).isBetween(0.9, 1.0);
        assertThat(Files.size(png)).isPositive();
    }

    @Test
    void badOptionsAreOneLineErrors() throws java.io.IOException {
        CliRun.Result r = CliRun.run("steal", "--victim", VICTIM, "--strategy", "pixels", "--budget", "10");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).as("%s", r).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("robustgate steal: unknown strategy 'pixels'");

        r = CliRun.run("steal", "--victim", VICTIM, "--strategy", "uniform", "--budget", "0");
        assertThat(r.errLines()).as("%s", r).containsExactly("robustgate steal: --budget must be >= 1, got 0");

        r = CliRun.run("steal", "--victim", VICTIM, "--strategy", "uniform", "--budget", "10", "--labels", "hard");
        assertThat(r.errLines()).as("%s", r).containsExactly("robustgate steal: --labels must be soft, top1 or logits, got hard");
        r = CliRun.run("steal", "--victim", VICTIM, "--strategy", "uniform", "--budget", "10", "--labels", "logits", "--policy", "top1");
        assertThat(r.errLines()).as("%s", r)
                .containsExactly("robustgate steal: --labels logits needs probabilities, but --policy top1 answers labels only");
        // A directory as --json fails before the victim is loaded and the theft runs.
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("steal-json");
        r = CliRun.run("steal", "--victim", VICTIM, "--strategy", "uniform", "--budget", "10", "--json", dir.toString());
        assertThat(r.errLines()).as("%s", r).containsExactly("robustgate steal: --json " + dir + " is a directory; name a file");
        assertThat(r.out()).doesNotContain("stealing");
    }
}
