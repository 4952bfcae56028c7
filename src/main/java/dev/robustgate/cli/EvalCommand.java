package dev.robustgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robustgate.attack.Attack;
import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.EpsResult;
import dev.robustgate.attack.FgsmAttack;
import dev.robustgate.attack.Norm;
import dev.robustgate.attack.PgdAttack;
import dev.robustgate.attack.TargetSelection;
import dev.robustgate.data.Dataset;
import dev.robustgate.data.Shard;
import dev.robustgate.data.Split;
import dev.robustgate.fixture.Victims;
import dev.robustgate.metric.CleanAccuracy;
import dev.robustgate.metric.Proportion;
import dev.robustgate.metric.RobustAccuracy;
import dev.robustgate.metric.SuccessRate;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.ModelFiles;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** Evaluates one model under one attack at one or more eps, and writes the result as JSON. */
@Command(name = "eval", mixinStandardHelpOptions = true,
        description = "Evaluate a victim or a model file under FGSM or PGD at one or more eps.")
final class EvalCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--victim", paramLabel = "NAME", description = "A named victim (trained and cached on first use).")
        String victim;
        @Option(names = "--model", paramLabel = "PATH", description = "A DL4J MultiLayerNetwork zip.")
        Path model;
    }

    @ArgGroup(multiplicity = "1")
    Source source;

    @Option(names = "--data", defaultValue = "fashion-mnist", description = "Dataset (default: ${DEFAULT-VALUE}); the test split is used.")
    String data;
    @Option(names = "--limit", defaultValue = "1000", description = "Evaluate the first N test samples (default: ${DEFAULT-VALUE}).")
    int limit;
    @Option(names = "--attack", defaultValue = "fgsm", description = "fgsm or pgd (default: ${DEFAULT-VALUE}).")
    String attack;
    @Option(names = "--norm", defaultValue = "linf", description = "linf or l2 (default: ${DEFAULT-VALUE}).")
    String norm;
    @Option(names = "--eps", split = ",", required = true, description = "Comma-separated radii, e.g. 0.01,0.05,0.1.")
    double[] eps;
    @Option(names = "--steps", defaultValue = "40", description = "PGD steps (default: ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--step-size", description = "PGD step size (default: 2.5 * eps / steps).")
    Double stepSize;
    @Option(names = "--random-start", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "PGD: start from a uniform point of the ball (default: on, as in the library; --no-random-start to turn off).")
    boolean randomStart;
    @Option(names = "--restarts", defaultValue = "1", description = "PGD restarts (need --random-start).")
    int restarts;
    @Option(names = "--last-iterate", description = "PGD: run every step and score the last iterate (torchattacks/ART convention) instead of stopping at the first success.")
    boolean lastIterate;
    @Option(names = "--seed", defaultValue = "" + PgdAttack.DEFAULT_SEED, description = "Seed of every random choice (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--targeted", paramLabel = "random|least-likely", description = "Targeted attack with this target choice.")
    String targeted;
    @Option(names = "--batch-size", defaultValue = "1024", description = "Samples per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON to FILE.")
    Path json;
    @Option(names = "--shard", paramLabel = "i/n", description = "Evaluate only shard i of n (1 <= i <= n): every n-th "
            + "sample from the i-th. Shards keep each sample's random draws, so their per-sample results (in the JSON) "
            + "are exactly the unsharded run's and their counts add up to its numbers.")
    String shard;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    private static final List<String> PGD_ONLY = List.of("--steps", "--step-size", "--random-start", "--restarts", "--last-iterate");

    @Override
    public Integer call() throws Exception {
        // Check every option before a victim is trained or loaded: a typo must not cost a training run.
        if (limit < 1) throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        Shard part = shard == null ? null : Shard.parse(shard);
        Attack a = attack();
        Path jsonOut = json == null ? null : writableJson(json);
        Victims victims = Victims.standard();
        if (source.victim != null) {
            victims.spec(source.victim);
        } else if (!Files.isRegularFile(source.model)) {
            throw new IllegalArgumentException("--model " + source.model + ": no such model file");
        }
        Dataset all = victims.data().load(data, Split.TEST);
        Dataset evaluated = all.slice(0, Math.min(limit, all.size()));
        Dataset test = part == null ? evaluated : part.of(evaluated);
        dev.robustgate.report.ReportWiring.installOnce();
        DifferentiableClassifier model = source.victim != null ? victims.get(source.victim).model()
                : ModelFiles.load(source.model);
        AttackResult r = a.run(model, test);
        Proportion clean = CleanAccuracy.of(r);

        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode out = om.createObjectNode();
        out.put("model", source.victim != null ? source.victim : source.model.toString());
        out.put("data", data);
        out.put("samples", test.size());
        if (part != null) {
            out.put("shard", part.toString());
            out.put("unsharded_samples", evaluated.size());
            ArrayNode ids = out.putArray("sample_ids");
            for (int id : test.sampleIds()) ids.add(id);
            out.put("clean_correct", r.cleanCorrect());
        }
        out.put("clean_accuracy", clean.value());
        out.put("attack", r.description());
        out.set("parameters", om.valueToTree(r.parameters()));
        ArrayNode results = out.putArray("results");
        System.out.printf(Locale.ROOT, "%s on %s: clean accuracy %.4f %s%n", r.description(), test.provenance(), clean.value(), clean.interval());
        for (EpsResult e : r.perEps()) {
            Proportion ra = RobustAccuracy.of(r, e.eps());
            ObjectNode o = results.addObject();
            o.put("attack", r.attack());
            o.put("norm", r.norm().label());
            o.put("eps", e.eps());
            o.put("robust_accuracy", ra.value());
            o.putArray("ci95").add(ra.interval().lower()).add(ra.interval().upper());
            Double sr = r.cleanCorrect() == 0 ? null : SuccessRate.of(r, e.eps()).value();
            if (sr == null) o.putNull("success_rate"); else o.put("success_rate", sr);
            o.put("gradient_evaluations", e.gradientEvaluations());
            o.put("seconds", e.seconds());
            if (part != null) {
                // Per sample, in sample_ids order: what a merge of the shards needs.
                o.put("robust_count", e.robustCount());
                ArrayNode preds = o.putArray("adversarial_predictions");
                for (int p : e.predictions()) preds.add(p);
            }
            System.out.printf(Locale.ROOT, "  eps=%-8s robust accuracy %.4f %s  success rate %s  gradient evaluations %d  %.1f s%n",
                    (float) e.eps(), ra.value(), ra.interval(), sr == null ? "n/a" : String.format(Locale.ROOT, "%.4f", sr),
                    e.gradientEvaluations(), e.seconds());
        }
        out.put("forward_evaluations", r.cost().forward());
        out.put("total_gradient_evaluations", r.cost().gradient());
        out.put("seconds", r.seconds());
        if (jsonOut != null) {
            dev.robustgate.AtomicFiles.write(jsonOut, stream -> om.writeValue(stream, out));
            System.out.println("wrote " + jsonOut);
        }
        return 0;
    }

    /** Checks the JSON destination before any work, so a long evaluation is never lost at the end. */
    private static Path writableJson(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException("--json " + file + " is a directory; name a file");
        }
        Path parent = abs.getParent();
        try {
            Files.createDirectories(parent);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("--json " + file + ": cannot create its directory " + parent + " (" + e + ")");
        }
        if (!Files.isWritable(parent)) {
            throw new IllegalArgumentException("--json " + file + ": directory " + parent + " is not writable");
        }
        return abs;
    }

    private Attack attack() {
        Norm n = Norm.parse(norm);
        TargetSelection t = targets();
        return switch (attack.toLowerCase(Locale.ROOT)) {
            case "fgsm", "fgm" -> {
                for (String o : PGD_ONLY) {
                    if (spec.commandLine().getParseResult().hasMatchedOption(o)) {
                        throw new IllegalArgumentException(o + " applies to --attack pgd only, not " + attack);
                    }
                }
                yield FgsmAttack.of(n).eps(eps).targeted(t).batchSize(batchSize);
            }
            case "pgd" -> {
                if (restarts > 1 && !randomStart) {
                    throw new IllegalArgumentException("--restarts " + restarts + " needs random starts (drop --no-random-start)");
                }
                PgdAttack p = PgdAttack.of(n).eps(eps).steps(steps).randomStart(randomStart).restarts(restarts)
                        .seed(seed).targeted(t).batchSize(batchSize).earlyStop(!lastIterate);
                yield stepSize != null ? p.stepSize(stepSize) : p;
            }
            default -> throw new IllegalArgumentException("unknown attack '" + attack + "': use one of "
                    + List.of("fgsm", "pgd"));
        };
    }

    private TargetSelection targets() {
        if (targeted == null) return TargetSelection.untargeted();
        return switch (targeted) {
            case "random" -> TargetSelection.random(seed);
            case "least-likely" -> TargetSelection.leastLikely();
            default -> throw new IllegalArgumentException("unknown --targeted '" + targeted + "': use random or least-likely");
        };
    }
}
