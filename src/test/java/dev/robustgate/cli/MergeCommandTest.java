package dev.robustgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.robustgate.cli.EvalOnSparkTest.concat;
import static org.assertj.core.api.Assertions.assertThat;

/** {@code robustgate merge} on good and bad sets of shard files from {@code eval --shard i/n --json}. */
class MergeCommandTest {
    private static final String[] EVAL = {"eval", "--victim", "fashion-mlp-small", "--attack", "pgd", "--eps", "0.05,0.1",
            "--steps", "3", "--limit", "20", "--no-masking-checks"};
    private static final ObjectMapper OM = new ObjectMapper();

    @TempDir
    static Path dir;
    private static Path whole;
    private static Path[] shards = new Path[4];

    @BeforeAll
    static void evaluate() {
        whole = eval("whole.json", "--shard", "1/1");
        for (int s = 1; s <= 3; s++) shards[s] = eval("shard-" + s + ".json", "--shard", s + "/3");
    }

    private static Path eval(String name, String... more) {
        Path out = dir.resolve(name);
        CliRun.Result r = CliRun.run(concat(concat(EVAL, more), "--json", out.toString()));
        assertThat(r.exitCode()).as("%s", r).isZero();
        return out;
    }

    @Test
    void threeShardsMergeIntoTheUnshardedNumbers() throws IOException {
        Path out = dir.resolve("merged.json");
        CliRun.Result r = CliRun.run("merge", shards[2].toString(), shards[1].toString(), shards[3].toString(), "--json", out.toString());
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out()).contains("3 shards merged (20 samples)");
        JsonNode m = OM.readTree(out.toFile());
        JsonNode w = OM.readTree(whole.toFile());
        for (String k : List.of("model", "data", "samples", "clean_accuracy", "attack", "parameters", "seed",
                "forward_evaluations", "total_gradient_evaluations")) {
            assertThat(m.get(k)).as(k).isEqualTo(w.get(k));
        }
        assertThat(m.get("results")).hasSize(2);
        for (int e = 0; e < 2; e++) {
            for (String k : List.of("attack", "norm", "eps", "robust_accuracy", "ci95", "success_rate", "gradient_evaluations",
                    "forward_evaluations", "robust_count", "successes_on_clean_correct")) {
                assertThat(m.get("results").get(e).get(k)).as("%s at eps index %d", k, e).isEqualTo(w.get("results").get(e).get(k));
            }
        }
    }

    @Test
    void aMissingShardIsNamedWithTheSamplesHeld() {
        assertFails("the shards hold 13 of 20 samples (7 missing, the first is sample id 1): 2 of 3 shards given",
                shards[1].toString(), shards[3].toString());
    }

    @Test
    void theSameShardTwiceIsRefused() throws IOException {
        Path copy = Files.copy(shards[2], dir.resolve("copy-of-2.json"));
        assertFails(shards[2] + " and " + copy + " are both shard 2/3", shards[1].toString(), shards[2].toString(), copy.toString());
    }

    @Test
    void shardsOfAnotherSeedOrSplitAreRefused() {
        Path seed8 = eval("seed8-3.json", "--shard", "3/3", "--seed", "8");
        CliRun.Result r = CliRun.run("merge", shards[1].toString(), shards[2].toString(), seed8.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("robustgate merge: " + seed8 + ": attack ").contains("seed 8").contains("shards must come from one evaluation");
        assertFails(whole + ": shard 1/1 is of another split than " + shards[1] + "'s 1/3", shards[1].toString(), whole.toString());
    }

    @Test
    void overlappingSampleIdsAreRefused() throws IOException {
        ObjectNode forged = (ObjectNode) OM.readTree(shards[3].toFile());
        ArrayNode ids = (ArrayNode) forged.get("sample_ids");
        int stolen = OM.readTree(shards[1].toFile()).get("sample_ids").get(0).asInt();
        ids.set(0, stolen);
        Path f = dir.resolve("forged-3.json");
        OM.writeValue(f.toFile(), forged);
        assertFails("sample id " + stolen + " is in both " + shards[1] + " and " + f, shards[1].toString(), shards[2].toString(), f.toString());
    }

    @Test
    void corruptAndForeignFilesAreNamed() throws IOException {
        Path corrupt = Files.writeString(dir.resolve("corrupt.json"), "{\"shard\": \"1/3\", ");
        CliRun.Result r = CliRun.run("merge", corrupt.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("robustgate merge: " + corrupt + ": not a readable JSON file");
        Path plain = eval("plain.json");
        assertFails(plain + ": not a shard file of `eval --shard i/n --json` (no 'shard')", plain.toString());
        assertFails(dir.resolve("absent.json") + ": not a readable JSON file", dir.resolve("absent.json").toString());
    }

    private static void assertFails(String message, String... files) {
        CliRun.Result r = CliRun.run(concat(new String[]{"merge"}, files));
        assertThat(r.exitCode()).as("%s", r).isEqualTo(2);
        assertThat(r.errLines()).hasSize(1);
        assertThat(r.errLines().get(0)).startsWith("robustgate merge: " + message);
    }
}
