package dev.robustgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robustgate.data.Dataset;
import dev.robustgate.data.NpmMnist;
import dev.robustgate.data.Split;
import dev.robustgate.extraction.AdaptiveStrategy;
import dev.robustgate.extraction.KnockoffNets;
import dev.robustgate.extraction.QuerySets;
import dev.robustgate.extraction.QueryStrategy;
import dev.robustgate.fixture.Architectures;
import dev.robustgate.model.Classifier;
import dev.robustgate.fixture.Victims;
import dev.robustgate.metric.KnockoffEvaluation;
import dev.robustgate.model.QueryBudget;
import dev.robustgate.model.RemoteClassifier;
import dev.robustgate.report.KnockoffCurves;
import dev.robustgate.serve.OutputPolicy;
import dev.robustgate.serve.PredictionServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Serves a victim on loopback and steals it with Knockoff Nets through the API, printing and
 * writing agreement and accuracy against the number of queries.
 */
@Command(name = "steal", mixinStandardHelpOptions = true,
        description = "Copy a victim or a model file (any ONNX model, white or black box) through its prediction API with Knockoff Nets; report agreement and accuracy vs queries.")
final class StealCommand implements Callable<Integer> {
    @picocli.CommandLine.ArgGroup(multiplicity = "1")
    ModelSource source;
    @picocli.CommandLine.Mixin
    ModelInputOptions input;
    @Option(names = "--data", paramLabel = "NAME", description = "--model only: the dataset the model classifies (default: fashion-mnist); a victim brings its own.")
    String data;
    @Option(names = "--strategy", required = true, paramLabel = "gaussian|uniform|mnist|fashion-mnist|own|adaptive",
            description = "Query set: pixel noise, another dataset's images, the victim's own training images (upper bound), or the adaptive bandit.")
    String strategy;
    @Option(names = "--budget", required = true, description = "Queries the thief may send.")
    long budget;
    @Option(names = "--labels", defaultValue = "soft", description = "soft (victim probabilities, cross-entropy), top1, "
            + "or logits (log-probabilities regressed on as logits; needs the full-precision policy) (default: ${DEFAULT-VALUE}).")
    String labels;
    @Option(names = "--arch", defaultValue = "same", description = "Knockoff architecture: same, mlp (= mlp-256), or any victim architecture (default: ${DEFAULT-VALUE}).")
    String arch;
    @Option(names = "--seed", defaultValue = "2019", description = "Seed of queries and knockoff (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--policy", defaultValue = "full", description = "API output policy: full, top1, rounded(k), noise(sigma) (default: ${DEFAULT-VALUE}).")
    String policy;
    @Option(names = "--epochs", defaultValue = "5", description = "Knockoff epochs over the transfer set at each checkpoint (default: ${DEFAULT-VALUE}).")
    int epochs;
    @Option(names = "--checkpoints", split = ",", description = "Query counts at which to train and score (default: 5%%, 10%%, 25%%, 50%% of the budget, and the budget).")
    long[] checkpoints;
    @Option(names = "--pool", description = "Adaptive strategy's auxiliary dataset (default: the other of mnist / fashion-mnist).")
    String pool;
    @Option(names = "--noise-mean", defaultValue = "0.5", description = "Gaussian queries: pixel mean (default: ${DEFAULT-VALUE}).")
    double noiseMean;
    @Option(names = "--noise-std", defaultValue = "0.5", description = "Gaussian queries: pixel std before clipping to [0,1] (default: ${DEFAULT-VALUE}).")
    double noiseStd;
    @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON to FILE.")
    Path json;
    @Option(names = "--plot", paramLabel = "FILE", description = "Write the agreement/accuracy curve as PNG to FILE.")
    Path plot;

    @Override
    public Integer call() throws Exception {
        if (budget < 1) throw new IllegalArgumentException("--budget must be >= 1, got " + budget);
        KnockoffNets.Labels labelMode = switch (labels.toLowerCase(Locale.ROOT)) {
            case "soft" -> KnockoffNets.Labels.SOFT;
            case "top1" -> KnockoffNets.Labels.TOP1;
            case "logits" -> KnockoffNets.Labels.LOGITS;
            default -> throw new IllegalArgumentException("--labels must be soft, top1 or logits, got " + labels);
        };
        OutputPolicy outputPolicy = OutputPolicy.parse(policy);
        if (labelMode == KnockoffNets.Labels.LOGITS && outputPolicy.labelsOnly()) {
            throw new IllegalArgumentException("--labels logits needs probabilities, but --policy " + policy
                    + " answers labels only");
        }
        Victims victims = Victims.standard();
        // Every option is checked before the victim is loaded: loading may train it for minutes.
        source.checked(victims, input);
        requireKnownStrategy(victims);
        String victim = source.label();
        if (source.victim != null && data != null) throw new IllegalArgumentException("--data applies to --model only (a victim brings its own dataset)");
        if (source.victim == null && arch.equals("same")) {
            throw new IllegalArgumentException("--arch same copies a named victim's architecture; for --model give --arch mlp or a victim architecture");
        }
        String knockoffArch = arch.equals("same") ? victims.spec(victim).architecture() : arch.equals("mlp") ? "mlp-256" : arch;
        Architectures.requireKnown(knockoffArch);
        Path jsonOut = json == null ? null : OutputFiles.writable("--json", json);
        Path plotOut = plot == null ? null : OutputFiles.writable("--plot", plot);
        String dataset = source.victim != null ? victims.spec(victim).dataset() : data != null ? data : "fashion-mnist";
        Dataset test = victims.data().load(dataset, Split.TEST);
        // A black box (an ONNX model through ONNX Runtime) is enough: the thief only queries.
        Classifier model = source.loadAny(victims, input, test);
        ModelSource.announceBlackBox(model);
        String architecture = source.victim != null ? victims.spec(victim).architecture() : "model file";
        QueryStrategy queries = strategy(victims, model, dataset);
        KnockoffNets thief = KnockoffNets.builder(queries, budget,
                        (shape, k, s) -> Architectures.build(knockoffArch, shape, k, 1e-3, s), Architectures.layoutOf(knockoffArch))
                .labels(labelMode).epochs(epochs).seed(seed).checkpoints(checkpoints != null ? checkpoints : defaultCheckpoints(budget))
                .build();
        KnockoffEvaluation.Report report;
        try (PredictionServer server = PredictionServer.start(model, PredictionServer.Settings.open().withPolicy(outputPolicy))) {
            RemoteClassifier api = RemoteClassifier.at(server.uri()).budget(QueryBudget.of(budget)).connect();
            System.out.printf(Locale.ROOT, "stealing %s (%s) through %s with %s, %s labels, knockoff %s, budget %d%n",
                    victim, architecture, server.uri(), queries.describe(), labels, knockoffArch, budget);
            report = KnockoffEvaluation.run(thief, api, model, test);
        }
        for (KnockoffEvaluation.Point p : report.curve()) {
            System.out.printf(Locale.ROOT, "  %7d queries: agreement %s, accuracy %s%n", p.queries(),
                    fmt(p.agreement()), fmt(p.accuracy()));
        }
        System.out.printf(Locale.ROOT, "victim accuracy %s; knockoff agreement %s, accuracy %s; %d queries used%n",
                fmt(report.victimAccuracy()), fmt(report.agreement()), fmt(report.knockoffAccuracy()), report.queriesUsed());
        if (json != null) {
            ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            ObjectNode out = om.createObjectNode();
            out.put("victim", victim);
            out.put("strategy", strategy);
            out.put("budget", budget);
            out.put("queries_used", report.queriesUsed());
            out.put("agreement", report.agreement().value());
            out.put("knockoff_accuracy", report.knockoffAccuracy().value());
            out.put("victim_accuracy", report.victimAccuracy().value());
            ArrayNode curve = out.putArray("curve");
            for (KnockoffEvaluation.Point p : report.curve()) {
                curve.addObject().put("queries", p.queries()).put("agreement", p.agreement().value())
                        .put("accuracy", p.accuracy().value());
            }
            dev.robustgate.AtomicFiles.write(jsonOut, stream -> om.writeValue(stream, out));
            System.out.println("wrote " + json);
        }
        if (plot != null) {
            byte[] png = KnockoffCurves.plot(report, victim + ": knockoff (" + knockoffArch + ", " + labels + ") from " + strategy);
            dev.robustgate.AtomicFiles.write(plotOut, stream -> stream.write(png));
            System.out.println("wrote " + plot);
        }
        return 0;
    }

    private QueryStrategy strategy(Victims victims, Classifier model, String dataset) {
        long[] shape = model.sampleShape();
        return switch (strategy) {
            case "gaussian" -> QuerySets.gaussian(shape, noiseMean, noiseStd, seed);
            case "uniform" -> QuerySets.uniform(shape, seed);
            case "own" -> QuerySets.fromDataset(victims.data().load(dataset, Split.TRAIN), seed);
            case "adaptive" -> new AdaptiveStrategy(victims.data().load(pool != null ? pool : otherDataset(dataset), Split.TRAIN),
                    0.1, seed);
            default -> QuerySets.fromDataset(victims.data().load(strategy, Split.TRAIN), seed);   // checked up front
        };
    }

    private void requireKnownStrategy(Victims victims) {
        boolean builtIn = switch (strategy) {
            case "gaussian", "uniform", "own", "adaptive" -> true;
            default -> false;
        };
        if (!builtIn && !victims.data().names().contains(strategy)) {
            throw new IllegalArgumentException("unknown strategy '" + strategy
                    + "': use gaussian, uniform, own, adaptive or a dataset name " + victims.data().names());
        }
    }

    private static String otherDataset(String dataset) {
        return dataset.equals(NpmMnist.NAME) ? "fashion-mnist" : NpmMnist.NAME;
    }

    static long[] defaultCheckpoints(long budget) {
        return Arrays.stream(new long[]{budget / 20, budget / 10, budget / 4, budget / 2, budget})
                .filter(c -> c > 0).distinct().toArray();
    }

    private static String fmt(dev.robustgate.metric.Proportion p) {
        return String.format(Locale.ROOT, "%.4f %s", p.value(), p.interval());
    }
}
