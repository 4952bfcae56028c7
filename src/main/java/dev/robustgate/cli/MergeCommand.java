package dev.robustgate.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robustgate.metric.Proportion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * Merges the JSON files of {@code eval --shard i/n --json} into the unsharded run's numbers: checks
 * that they come from one evaluation (model, data, attack and its parameters, seed, sample count,
 * eps) and that their sample ids are disjoint and complete, then adds up the counts per eps. The
 * counts are per sample (random draws keyed by sample id), so the sums are the one-run counts.
 */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Merge shard files of `eval --shard i/n --json` into the whole evaluation's numbers.")
final class MergeCommand implements Callable<Integer> {
    /** Top-level fields every shard of one evaluation shares. */
    private static final List<String> SAME = List.of("model", "data", "attack", "parameters", "seed", "unsharded_samples");

    @Parameters(arity = "1..*", paramLabel = "SHARD.json", description = "Shard files, e.g. shard-*.json")
    List<Path> files;
    @Option(names = "--json", paramLabel = "FILE", description = "Write the merged result as JSON to FILE.")
    Path json;

    private final ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Override
    public Integer call() throws IOException {
        Path out = json == null ? null : OutputFiles.writable("--json", json);
        List<JsonNode> shards = new ArrayList<>();
        for (Path f : files) shards.add(read(f));
        checkSameEvaluation(shards);
        int n = shards.get(0).get("unsharded_samples").asInt();
        checkIdsDisjointAndComplete(shards, n);

        ObjectNode merged = om.createObjectNode();
        JsonNode first = shards.get(0);
        for (String k : List.of("model", "data")) merged.set(k, first.get(k));
        merged.put("samples", n);
        long cleanCorrect = sum(shards, s -> s.get("clean_correct").asLong());
        Proportion clean = Proportion.of("clean accuracy", first.get("model").asText(), "", cleanCorrect, n);
        merged.put("clean_accuracy", clean.value());
        for (String k : List.of("attack", "parameters", "seed")) merged.set(k, first.get(k));
        ArrayNode from = merged.putArray("merged_from");
        files.forEach(f -> from.add(f.toString()));
        System.out.printf(Locale.ROOT, "%s on %s, %d shards merged (%d samples): clean accuracy %.4f %s%n",
                first.get("attack").asText(), first.get("data").asText(), shards.size(), n, clean.value(), clean.interval());
        ArrayNode results = merged.putArray("results");
        for (int e = 0; e < first.get("results").size(); e++) {
            int ee = e;
            JsonNode r0 = first.get("results").get(e);
            long robust = sum(shards, s -> s.get("results").get(ee).get("robust_count").asLong());
            long successes = sum(shards, s -> s.get("results").get(ee).get("successes_on_clean_correct").asLong());
            Proportion ra = Proportion.of("robust accuracy", first.get("model").asText(), r0.get("attack").asText(), robust, n);
            ObjectNode o = results.addObject();
            for (String k : List.of("attack", "norm", "eps")) o.set(k, r0.get(k));
            o.put("robust_accuracy", ra.value());
            o.putArray("ci95").add(ra.interval().lower()).add(ra.interval().upper());
            if (cleanCorrect == 0) o.putNull("success_rate"); else o.put("success_rate", (double) successes / cleanCorrect);
            o.put("gradient_evaluations", sum(shards, s -> s.get("results").get(ee).get("gradient_evaluations").asLong()));
            o.put("forward_evaluations", sum(shards, s -> s.get("results").get(ee).get("forward_evaluations").asLong()));
            o.put("seconds", shards.stream().mapToDouble(s -> s.get("results").get(ee).get("seconds").asDouble()).sum());
            o.put("robust_count", robust);
            o.put("successes_on_clean_correct", successes);
            System.out.printf(Locale.ROOT, "  eps=%-8s robust accuracy %.4f %s  success rate %s  gradient evaluations %d%n",
                    (float) r0.get("eps").asDouble(), ra.value(), ra.interval(),
                    cleanCorrect == 0 ? "n/a" : String.format(Locale.ROOT, "%.4f", (double) successes / cleanCorrect),
                    o.get("gradient_evaluations").asLong());
        }
        merged.put("forward_evaluations", sum(shards, s -> s.get("forward_evaluations").asLong()));
        merged.put("total_gradient_evaluations", sum(shards, s -> s.get("total_gradient_evaluations").asLong()));
        if (out != null) {
            dev.robustgate.AtomicFiles.write(out, stream -> om.writeValue(stream, merged));
            System.out.println("wrote " + out);
        }
        return 0;
    }

    private JsonNode read(Path f) {
        JsonNode root;
        try {
            root = om.readTree(f.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(f + ": not a readable JSON file (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isObject()) throw new IllegalArgumentException(f + ": not a shard file (not a JSON object)");
        for (String k : List.of("shard", "sample_ids", "unsharded_samples", "clean_correct", "seed", "model", "data", "attack",
                "parameters", "results", "forward_evaluations", "total_gradient_evaluations")) {
            if (!root.hasNonNull(k)) {
                throw new IllegalArgumentException(f + ": not a shard file of `eval --shard i/n --json` (no '" + k + "')");
            }
        }
        int ids = root.get("sample_ids").size();
        if (!root.get("results").isArray() || root.get("results").isEmpty()) throw new IllegalArgumentException(f + ": no results");
        for (JsonNode r : root.get("results")) {
            for (String k : List.of("eps", "robust_count", "successes_on_clean_correct", "adversarial_predictions",
                    "gradient_evaluations", "forward_evaluations")) {
                if (!r.hasNonNull(k)) throw new IllegalArgumentException(f + ": a result has no '" + k + "'");
            }
            if (r.get("adversarial_predictions").size() != ids) {
                throw new IllegalArgumentException(f + ": " + r.get("adversarial_predictions").size() + " predictions for " + ids + " sample ids");
            }
        }
        ((ObjectNode) root).put("_file", f.toString());
        return root;
    }

    private static void checkSameEvaluation(List<JsonNode> shards) {
        JsonNode first = shards.get(0);
        String count = first.get("shard").asText().replaceFirst("^.*/", "");
        Map<String, String> numbers = new TreeMap<>();
        for (JsonNode s : shards) {
            for (String k : SAME) {
                if (!s.get(k).equals(first.get(k))) {
                    throw new IllegalArgumentException(file(s) + ": " + k + " " + s.get(k) + " differs from " + file(first) + "'s " + first.get(k)
                            + ": shards must come from one evaluation");
                }
            }
            List<Double> eps = new ArrayList<>();
            s.get("results").forEach(r -> eps.add(r.get("eps").asDouble()));
            List<Double> eps0 = new ArrayList<>();
            first.get("results").forEach(r -> eps0.add(r.get("eps").asDouble()));
            if (!eps.equals(eps0)) throw new IllegalArgumentException(file(s) + ": eps " + eps + " differ from " + file(first) + "'s " + eps0);
            String shard = s.get("shard").asText();
            if (!shard.replaceFirst("^.*/", "").equals(count)) {
                throw new IllegalArgumentException(file(s) + ": shard " + shard + " is of another split than " + file(first) + "'s " + first.get("shard").asText());
            }
            String other = numbers.put(shard, file(s));
            if (other != null) throw new IllegalArgumentException(other + " and " + file(s) + " are both shard " + shard);
        }
    }

    private static void checkIdsDisjointAndComplete(List<JsonNode> shards, int n) {
        String[] owner = new String[n];
        for (JsonNode s : shards) {
            for (JsonNode id : s.get("sample_ids")) {
                int i = id.asInt(-1);
                if (!id.isInt() || i < 0 || i >= n) {
                    throw new IllegalArgumentException(file(s) + ": sample id " + id + " is outside [0, " + (n - 1) + "]");
                }
                if (owner[i] != null) throw new IllegalArgumentException("sample id " + i + " is in both " + owner[i] + " and " + file(s));
                owner[i] = file(s);
            }
        }
        int missing = 0;
        int firstMissing = -1;
        for (int i = 0; i < n; i++) {
            if (owner[i] == null) {
                if (missing++ == 0) firstMissing = i;
            }
        }
        if (missing > 0) {
            String count = shards.get(0).get("shard").asText().replaceFirst("^.*/", "");
            throw new IllegalArgumentException("the shards hold " + (n - missing) + " of " + n + " samples (" + missing
                    + " missing, the first is sample id " + firstMissing + "): " + shards.size() + " of " + count + " shards given");
        }
    }

    private static String file(JsonNode shard) {
        return shard.get("_file").asText();
    }

    private static long sum(List<JsonNode> shards, java.util.function.ToLongFunction<JsonNode> f) {
        return shards.stream().mapToLong(f).sum();
    }
}
