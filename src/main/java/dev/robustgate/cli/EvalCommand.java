package dev.robustgate.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robustgate.attack.Attack;
import dev.robustgate.attack.AttackCatalogue;
import dev.robustgate.attack.CarliniWagnerL2Attack;
import dev.robustgate.attack.DeepFoolAttack;
import dev.robustgate.attack.JsmaAttack;
import dev.robustgate.attack.WorstCaseOf;
import dev.robustgate.metric.MaskingCheck;
import dev.robustgate.metric.MaskingChecks;
import dev.robustgate.metric.MaskingReport;
import dev.robustgate.metric.MinimalPerturbation;
import dev.robustgate.attack.AttackResult;
import dev.robustgate.attack.EpsResult;
import dev.robustgate.attack.FgsmAttack;
import dev.robustgate.attack.Norm;
import dev.robustgate.attack.PgdAttack;
import dev.robustgate.attack.TargetSelection;
import dev.robustgate.data.Dataset;
import dev.robustgate.engine.ModelRef;
import dev.robustgate.data.Shard;
import dev.robustgate.data.Split;
import dev.robustgate.fixture.Victims;
import dev.robustgate.metric.CleanAccuracy;
import dev.robustgate.metric.Proportion;
import dev.robustgate.metric.RobustAccuracy;
import dev.robustgate.metric.SuccessRate;
import dev.robustgate.model.Classifier;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.ScoresOnly;
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
        description = "Evaluate a victim or a model file (ONNX, DL4J zip or Keras .h5; a black-box ONNX model with Square only) under one attack, or the worst case of the strong ensemble, at one or more eps.")
final class EvalCommand implements Callable<Integer> {

    @ArgGroup(multiplicity = "1")
    ModelSource source;
    @picocli.CommandLine.Mixin
    EngineOptions engine;
    @picocli.CommandLine.Mixin
    ModelInputOptions input;

    @Option(names = "--data", paramLabel = "NAME|PATH", description = "Dataset name (built-in or fixtures/datasets/NAME.json), or a path "
            + "(image folder, .npz, declaration .json); the test split is used. Default: the victim's own dataset; fashion-mnist for --model.")
    String data;
    @Option(names = "--limit", defaultValue = "1000", description = "Evaluate the first N test samples (default: ${DEFAULT-VALUE}).")
    int limit;
    @Option(names = "--attack", defaultValue = "fgsm", description = "An attack of the catalogue (README, AttackCatalogue): fgsm, pgd, cw, deepfool, square, "
            + "jsma (L0, targeted; --eps are changed fractions), strong, ... (default: ${DEFAULT-VALUE}).")
    String attack;
    @Option(names = "--norm", defaultValue = "linf", description = "linf or l2 (default: ${DEFAULT-VALUE}).")
    String norm;
    @Option(names = "--eps", split = ",", required = true, description = "Comma-separated radii, e.g. 0.01,0.05,0.1.")
    double[] eps;
    @Option(names = "--steps", description = "Steps: PGD (default 40), APGD (100), DeepFool (50), C&W Adam steps per binary search step (100); see the attack table in README.")
    Integer steps;
    @Option(names = "--step-size", description = "PGD step size (default: 2.5 * eps / steps).")
    Double stepSize;
    @Option(names = "--random-start", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "PGD: start from a uniform point of the ball (default: on, as in the library; --no-random-start to turn off).")
    boolean randomStart;
    @Option(names = "--restarts", description = "PGD/APGD restarts (PGD: need --random-start; default 1, 5 in strong).")
    Integer restarts;
    @Option(names = "--eot-draws", description = "PGD/APGD: average logits and gradients over this many draws of a randomised model (EOT; default 1).")
    Integer eotDraws;
    @Option(names = "--target-classes", description = "APGD-T (and FAB-T): how many of the most likely other classes to target in turn (default 9).")
    Integer targetClasses;
    @Option(names = "--confidence", description = "C&W: kappa, the logit margin required (default 0).")
    Double confidence;
    @Option(names = "--binary-steps", description = "C&W: binary search steps over c (default: see the attack table in README).")
    Integer binarySteps;
    @Option(names = "--learning-rate", description = "C&W: Adam learning rate (default: see the attack table in README).")
    Double learningRate;
    @Option(names = "--initial-const", description = "C&W: initial c (default: see the attack table in README).")
    Double initialConst;
    @Option(names = "--overshoot", description = "DeepFool: overshoot (default: see the attack table in README).")
    Double overshoot;
    @Option(names = "--candidates", description = "DeepFool: candidate classes (default: see the attack table in README).")
    Integer candidates;
    @Option(names = "--theta", description = "JSMA: change per chosen feature, in [-1, 0) or (0, 1] (default: see the attack table in README).")
    Double theta;
    @Option(names = "--gamma", description = "JSMA: largest fraction of features changed, in [0, 1] (default: see the attack table in README).")
    Double gamma;
    @Option(names = "--queries", description = "Square: query budget per sample and eps (default: see the attack table in README).")
    Integer queries;
    @Option(names = "--p-init", description = "Square: initial window fraction (default: see the attack table in README).")
    Double pInit;
    @Option(names = "--masking-checks", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Run the gradient-masking checks at the Linf eps and report their flags (default: on; --no-masking-checks to skip).")
    boolean maskingChecks;
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

    @Override
    public Integer call() throws Exception {
        try (EngineOptions opened = engine) {
            return evaluate();
        }
    }

    private Integer evaluate() throws Exception {
        // Check every option before a victim is trained or loaded: a typo must not cost a training run.
        if (limit < 1) throw new IllegalArgumentException("--limit must be >= 1, got " + limit);
        Shard part = shard == null ? null : Shard.parse(shard);
        Attack a = attack();
        engine.checked();
        Path jsonOut = json == null ? null : OutputFiles.writable("--json", json);
        Victims victims = Victims.standard();
        source.checked(victims, input);
        Dataset evaluated = evaluatedData(victims);
        Dataset test = part == null ? evaluated : part.of(evaluated);
        dev.robustgate.report.ReportWiring.installOnce();
        DifferentiableClassifier model = scoresOnlyIfAllowed(source.loadAny(victims, input, test), a, attack);
        ModelRef ref = engine.model(model, () -> source.ref(input, test, model.hasInputGradients()));
        WorstCaseOf.Detailed detailed = a instanceof WorstCaseOf w ? engine.engine(batchSize).runDetailed(w, ref, test) : null;
        AttackResult r = detailed != null ? detailed.combined() : engine.engine(batchSize).run(a, ref, test);
        Proportion clean = CleanAccuracy.of(r);

        ObjectMapper om = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode out = om.createObjectNode();
        putRunHeader(out, om, r, clean, test, evaluated, part);
        putPerEpsResults(out.putArray("results"), r, clean, test, part);
        if (detailed != null) putMembers(out.putArray("members"), detailed);
        if (a instanceof DeepFoolAttack || a instanceof CarliniWagnerL2Attack) putMinimalPerturbation(out.putObject("minimal_perturbation"), r);
        if (maskingChecks) putMaskingChecks(out.putObject("masking"), r, ref, test);
        out.put("forward_evaluations", r.cost().forward());
        out.put("total_gradient_evaluations", r.cost().gradient());
        out.put("seconds", r.seconds());
        if (!engine.inProcess()) out.put("engine", engine.engine(batchSize).describe());
        if (jsonOut != null) {
            dev.robustgate.AtomicFiles.write(jsonOut, stream -> om.writeValue(stream, out));
            System.out.println("wrote " + jsonOut);
        }
        return 0;
    }

    /** The first --limit test samples of --data, by default the victim's own dataset. */
    private Dataset evaluatedData(Victims victims) {
        // The victim's own data by default: a digit model scored on clothes reads as broken (clean 0.05) and passes as exit 0.
        if (data == null) data = source.victim != null ? victims.datasetOf(source.victim) : "fashion-mnist";
        Dataset all = victims.data().load(data, Split.TEST);
        return all.slice(0, Math.min(limit, all.size()));
    }

    /** What was evaluated (model, data, shard), its clean accuracy and the attack with its parameters. */
    private void putRunHeader(ObjectNode out, ObjectMapper om, AttackResult r, Proportion clean, Dataset test, Dataset evaluated, Shard part) {
        out.put("model", source.label());
        out.put("data", data);
        out.put("data_sha256", test.contentHash());
        out.put("samples", test.size());
        if (part != null) {
            out.put("shard", part.toString());
            out.put("unsharded_samples", evaluated.size());
            ArrayNode ids = out.putArray("sample_ids");
            for (int id : test.sampleIds()) ids.add(id);
            out.put("clean_correct", r.cleanCorrect());
            out.put("seed", seed);
        }
        out.put("clean_accuracy", clean.value());
        out.put("attack", r.description());
        out.set("parameters", om.valueToTree(r.parameters()));
    }

    /** Robust accuracy, success rate and cost per eps (per sample too when sharded), printed and as JSON. */
    private static void putPerEpsResults(ArrayNode results, AttackResult r, Proportion clean, Dataset test, Shard part) {
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
            o.put("forward_evaluations", e.forwardEvaluations());
            o.put("seconds", e.seconds());
            // JSMA's eps is a changed fraction; its distances are counts of changed features.
            if (r.norm() == Norm.L0) o.put("max_changed_features", (long) e.maxDistance());
            if (part != null) {
                // Per sample, in sample_ids order: what a merge of the shards needs.
                o.put("robust_count", e.robustCount());
                o.put("successes_on_clean_correct", e.successOnCleanCorrect());
                ArrayNode preds = o.putArray("adversarial_predictions");
                for (int p : e.predictions()) preds.add(p);
            }
            System.out.printf(Locale.ROOT, "  eps=%-8s robust accuracy %.4f %s  success rate %s  gradient evaluations %d  %.1f s%n",
                    (float) e.eps(), ra.value(), ra.interval(), sr == null ? "n/a" : String.format(Locale.ROOT, "%.4f", sr),
                    e.gradientEvaluations(), e.seconds());
        }
    }

    /** The ensemble's members: what each attacked, what it cost and what it newly broke. */
    private static void putMembers(ArrayNode members, WorstCaseOf.Detailed detailed) {
        for (WorstCaseOf.MemberRun m : detailed.members()) {
            ObjectNode mo = members.addObject();
            mo.put("attack", m.attack().describe());
            mo.put("samples_attacked", m.samples().length);
            mo.put("gradient_evaluations", m.result() == null ? 0 : m.result().cost().gradient());
            mo.put("forward_evaluations", m.result() == null ? 0 : m.result().cost().forward());
            ObjectNode broke = mo.putObject("newly_broken");
            m.newlyBroken().forEach((eps, k) -> broke.put(String.valueOf(eps), k));
            System.out.printf(Locale.ROOT, "  member %s: %d samples attacked, %d gradient and %d forward evaluations, newly broken %s%n",
                    m.attack().name(), m.samples().length, mo.get("gradient_evaluations").asLong(),
                    mo.get("forward_evaluations").asLong(), m.newlyBroken());
        }
    }

    /** A minimal-perturbation attack's (DeepFool, C&W) median distance and rho_adv. */
    private static void putMinimalPerturbation(ObjectNode mo, AttackResult r) {
        MinimalPerturbation mp = MinimalPerturbation.of(r);
        mo.put("norm", r.norm().label());
        mo.put("searched_eps", mp.searchedEps());
        putNumber(mo, "median_distance", mp.medianDistance());
        putNumber(mo, "rho_adv", mp.empiricalRobustness());
        mo.put("not_found", mp.notFound());
        System.out.println("  " + mp);
    }

    /** The gradient-masking checks at the Linf eps in (0, 1], or why they were skipped. */
    private void putMaskingChecks(ObjectNode mo, AttackResult r, ModelRef ref, Dataset test) {
        double[] linf = java.util.Arrays.stream(eps).filter(e -> e > 0 && e <= 1).distinct().toArray();
        if (r.norm() != Norm.LINF || linf.length == 0) {
            mo.put("skipped", "the masking checks are Linf checks at eps in (0, 1]; this evaluation is "
                    + r.norm().label() + " at " + java.util.Arrays.toString(eps));
            return;
        }
        MaskingReport report = engine.engine(batchSize).maskingChecks(MaskingChecks.linf(linf).seed(seed), ref, test);
        mo.put("suspected", report.suspected());
        mo.put("summary", report.summary());
        mo.put("setup", report.setup());
        ArrayNode checks = mo.putArray("checks");
        for (MaskingCheck c : report.checks()) {
            checks.addObject().put("name", c.name()).put("applicable", c.applicable()).put("suspected", c.suspected())
                    .put("evidence", c.evidence());
        }
        System.out.println(report);
    }

    /**
     * A white box as it is; a black box (scores only, e.g. an ONNX model run by ONNX Runtime) as
     * its score-only view when every attack of {@code a} needs only scores, else refused with one
     * line naming the attack and the reason.
     */
    static DifferentiableClassifier scoresOnlyIfAllowed(Classifier loaded, Attack a, String given) {
        if (loaded instanceof DifferentiableClassifier d) return d;
        List<String> gradientAttacks = gradientAttacks(a);
        if (!gradientAttacks.isEmpty()) {
            throw new IllegalArgumentException("--attack " + given + " (" + String.join(", ", gradientAttacks.stream().distinct().toList())
                    + ") needs input gradients, but " + loaded.name() + " is a black box (scores only); use --attack square");
        }
        ModelSource.announceBlackBox(loaded);   // going ahead on the black box: say why, once
        return ScoresOnly.of(loaded);
    }

    /** The members of {@code a} that need input gradients (all but the score-based Square). */
    static List<String> gradientAttacks(Attack a) {
        if (a instanceof WorstCaseOf w) return w.members().stream().flatMap(m -> gradientAttacks(m).stream()).toList();
        return a.needsInputGradients() ? List.of(a.name()) : List.of();
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) o.put(key, v); else o.putNull(key);
    }


    /** The attack from the catalogue, with the options given on the command line (the rest take its defaults). */
    private Attack attack() {
        var parsed = spec.commandLine().getParseResult();
        AttackCatalogue.Entry entry = AttackCatalogue.entry(attack);
        boolean l0 = entry.norms().equals(java.util.Set.of(Norm.L0));
        if (l0 && parsed.hasMatchedOption("--norm")) {
            throw new IllegalArgumentException("--norm does not apply to " + entry.name() + ": it measures L0, the number of changed features");
        }
        java.util.Map<String, String> given = new java.util.LinkedHashMap<>();
        for (String name : AttackCatalogue.optionNames()) {
            picocli.CommandLine.Model.OptionSpec o = spec.findOption("--" + name);
            if (o != null && parsed.hasMatchedOption(o)) given.put(name, String.valueOf((Object) o.getValue()));
        }
        return AttackCatalogue.create(entry.name(),
                new AttackCatalogue.Request(l0 ? Norm.L0 : Norm.parse(norm), eps, targets(), seed, batchSize, given));
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
