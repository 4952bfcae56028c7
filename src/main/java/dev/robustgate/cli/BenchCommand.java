package dev.robustgate.cli;

import dev.robustgate.bench.BenchmarkComparison;
import dev.robustgate.bench.BenchmarkReport;
import dev.robustgate.bench.BenchmarkRunner;
import dev.robustgate.bench.Latency;
import dev.robustgate.bench.MachineInfo;
import dev.robustgate.bench.Measurement;
import dev.robustgate.bench.PeakRss;
import dev.robustgate.data.Dataset;
import dev.robustgate.data.Split;
import dev.robustgate.fixture.Victims;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.Dl4jClassifier;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** Times inference, input gradients, FGSM, PGD-40 and a training epoch on one model; writes and compares JSON. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmark a victim or a model file: samples/s and gradient evaluations/s with min/median/max "
                + "over repetitions after warm-up. Exit 1 when --compare finds a slowdown beyond noise.")
final class BenchCommand implements Callable<Integer> {

    @ArgGroup(multiplicity = "0..1")
    ModelSource source;
    @picocli.CommandLine.Mixin
    ModelInputOptions input;

    @Option(names = "--limit", defaultValue = "1000", description = "Test samples per case (default: ${DEFAULT-VALUE}).")
    int limit;
    @Option(names = "--train-limit", defaultValue = "60000", description = "Training samples in the epoch case (default: ${DEFAULT-VALUE}).")
    int trainLimit;
    @Option(names = "--cases", split = ",", defaultValue = "inference,gradient,fgsm,pgd40,train_epoch",
            description = "Cases to run (default: ${DEFAULT-VALUE}).")
    List<String> cases;
    @Option(names = "--warmup", defaultValue = "1", description = "Unrecorded repetitions per case (default: ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--reps", defaultValue = "3", description = "Timed repetitions per case (default: ${DEFAULT-VALUE}).")
    int reps;
    @Option(names = "--train-reps", defaultValue = "1", description = "Timed training epochs (default: ${DEFAULT-VALUE}).")
    int trainReps;
    @Option(names = "--batch-size", defaultValue = "1024", description = "Samples per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;
    @Option(names = "--threads", description = "ND4J op and BLAS threads (default: ND4J's choice, the core count).")
    Integer threads;
    @Option(names = "--execution", paramLabel = "direct-ops|dl4j-layers",
            description = "How the network is evaluated (default: direct-ops where the layers allow it).")
    String execution;
    @Option(names = "--seed", defaultValue = "2024", description = "Seed of PGD's random start (default: ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--json", paramLabel = "FILE", description = "Write the measurements as JSON to FILE.")
    Path json;
    @Option(names = "--compare", paramLabel = "FILE", description = "A previous --json output to compare with.")
    Path compare;

    @Override
    public Integer call() {
        checkOptions();
        BenchmarkRunner.Settings settings = new BenchmarkRunner.Settings(warmup, reps, trainReps, batchSize, seed);
        BenchmarkReport previous = compare == null ? null : BenchmarkReport.read(compare);
        Path jsonOut = json == null ? null : OutputFiles.writable("--json", json);
        if (threads != null) MachineInfo.setThreads(threads);
        Victims victims = Victims.standard();
        ModelSource from = (source == null || (source.victim == null && source.model == null)
                ? ModelSource.victim("fashion-lenet") : source).checked(victims, input);
        Dataset all = victims.data().load("fashion-mnist", Split.TEST);
        Dataset test = all.slice(0, Math.min(limit, all.size()));
        Dataset train = trainingData(victims);
        DifferentiableClassifier model = withExecution(from.load(victims, input, test));
        String exec = model instanceof Dl4jClassifier d ? d.execution().name().toLowerCase(Locale.ROOT).replace('_', '-') : "n/a";

        MachineInfo machine = MachineInfo.current();
        System.out.printf(Locale.ROOT, "bench %s (%s) on %d test samples; %d cores, %s, %s/%s, %d ND4J threads, %d BLAS threads, load %.2f%n",
                model.name(), exec, test.size(), machine.cores(), machine.jvm(), machine.backend(), machine.blas(),
                machine.nd4jThreads(), machine.blasThreads(), machine.loadAverage());
        CaseRuns runs = runCases(new BenchmarkRunner(model, test, settings), train);
        BenchmarkReport report = new BenchmarkReport(from.label(), exec, reportSettings(test, train, runs),
                machine, runs.results(), MachineInfo.current());
        if (json != null) {
            report.write(jsonOut);
            System.out.println("wrote " + json);
        }
        return previous == null ? 0 : compareWith(previous, report);
    }

    /** Every option checked before a victim is trained or loaded. */
    private void checkOptions() {
        if (limit < 1) throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        if (trainLimit < 1) throw new IllegalArgumentException("--train-limit must be >= 1, got " + trainLimit);
        for (String c : cases) {
            if (!BenchmarkRunner.CASES.contains(c)) {
                throw new IllegalArgumentException("unknown case '" + c + "' in --cases: use " + BenchmarkRunner.CASES);
            }
        }
    }

    /** The first --train-limit training samples when the epoch case runs, else null. */
    private Dataset trainingData(Victims victims) {
        Dataset train = cases.contains("train_epoch") ? victims.data().load("fashion-mnist", Split.TRAIN) : null;
        if (train != null && trainLimit < train.size()) train = train.slice(0, trainLimit);
        return train;
    }

    /** A DL4J model switched to the --execution asked for; any other model as it is. */
    private DifferentiableClassifier withExecution(DifferentiableClassifier model) {
        if (execution != null && model instanceof Dl4jClassifier d) {
            return d.withExecution(switch (execution) {
                case "direct-ops" -> Dl4jClassifier.Execution.DIRECT_OPS;
                case "dl4j-layers" -> Dl4jClassifier.Execution.DL4J_LAYERS;
                default -> throw new IllegalArgumentException("--execution must be direct-ops or dl4j-layers, got '" + execution + "'");
            });
        }
        return model;
    }

    /** The cases' measurements, and whether each case's peak RSS is its own (VmHWM reset before it). */
    private record CaseRuns(List<Measurement> results, boolean perCase) {}

    /** Runs and prints each case in turn, then the peak RSS over them. */
    private CaseRuns runCases(BenchmarkRunner runner, Dataset train) {
        List<Measurement> results = new java.util.ArrayList<>();
        // Peak RSS per case: VmHWM set back to the current RSS before each case where the kernel allows it.
        boolean perCase = true;
        for (String c : cases) {
            perCase &= PeakRss.reset();
            Measurement m = runner.run(List.of(c), train).get(0).withMaxRss(PeakRss.bytesOrNull());
            results.add(m);
            print(m, perCase);
        }
        Long casesPeak = perCase ? results.stream().map(Measurement::maxRssBytes).filter(java.util.Objects::nonNull)
                .max(Long::compare).orElse(null) : PeakRss.bytesOrNull();
        System.out.println("  max RSS over the cases (VmHWM): " + PeakRss.format(casesPeak));
        return new CaseRuns(results, perCase);
    }

    /** The settings the report records, so that a --compare sees what differed. */
    private Map<String, String> reportSettings(Dataset test, Dataset train, CaseRuns runs) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("limit", String.valueOf(test.size()));
        s.put("train_limit", train == null ? "0" : String.valueOf(train.size()));
        s.put("warmup", String.valueOf(warmup));
        s.put("reps", String.valueOf(reps));
        s.put("train_reps", String.valueOf(trainReps));
        s.put("batch_size", String.valueOf(batchSize));
        s.put("threads", threads == null ? "default" : String.valueOf(threads));
        s.put("max_rss", runs.results().get(0).maxRssBytes() == null ? PeakRss.NOT_AVAILABLE
                : runs.perCase() ? "per case: VmHWM reset before each case" : "process peak so far (VmHWM; /proc/self/clear_refs not writable)");
        return s;
    }

    /** Prints the comparison with --compare's report; 1 when a case slowed down beyond noise, else 0. */
    private int compareWith(BenchmarkReport previous, BenchmarkReport report) {
        System.out.println("compared with " + compare + ":");
        List<BenchmarkComparison.Row> rows = BenchmarkComparison.compare(previous, report);
        rows.forEach(r -> System.out.println("  " + r));
        boolean slower = rows.stream().anyMatch(BenchmarkComparison.Row::slowdown);
        if (slower) System.out.println("slowdown beyond noise: " + rows.stream().filter(BenchmarkComparison.Row::slowdown)
                .map(BenchmarkComparison.Row::name).toList());
        return slower ? 1 : 0;
    }

    private static void print(Measurement m, boolean perCase) {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "  %-12s %8.1f samples/s  median %.3f s [min %.3f, max %.3f] over %d reps",
                m.name(), m.samplesPerSecond(), m.median(), m.min(), m.max(), m.seconds().size()));
        if (m.gradientEvaluations() > 0) {
            b.append(String.format(Locale.ROOT, "  %.1f gradients/s (%d per rep)", m.gradientsPerSecond(), m.gradientEvaluations()));
        }
        for (Map.Entry<String, Latency> e : m.latencies().entrySet()) {
            Latency l = e.getValue();
            b.append(String.format(Locale.ROOT, "%n      %-15s p50 %.2f ms  p99 %.2f ms  max %.2f ms (%d)", e.getKey(),
                    l.p50Ms(), l.p99Ms(), l.maxMs(), l.count()));
        }
        b.append(String.format(Locale.ROOT, "%n      max RSS %s%s", PeakRss.format(m.maxRssBytes()),
                m.maxRssBytes() != null && !perCase ? " (process peak so far)" : ""));
        System.out.println(b);
        System.out.println("      " + m.description());
    }
}
