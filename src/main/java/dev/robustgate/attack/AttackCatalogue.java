package dev.robustgate.attack;

import org.apiguardian.api.API;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Every attack by name, with its options and their defaults, in one place: {@code eval --attack}
 * and the README's attack table read it, so a default lives here and in the attack's own factory
 * method, never copied into the CLI. An option a user did not give takes the entry's default.
 *
 * <pre>{@code
 * Attack pgd = AttackCatalogue.create("pgd", AttackCatalogue.request(Norm.LINF, 0.03, 0.1).option("steps", "100"));
 * }</pre>
 */
@API(status = API.Status.EXPERIMENTAL, since = "0.13")
public final class AttackCatalogue {
    private AttackCatalogue() {}

    /** One option of an attack: its name (the CLI's {@code --name}), default as text (null: none) and meaning. */
    public record Option(String name, String defaultValue, String description) {}

    /** One attack: name, what it is, the norms it measures, its options, and how to build it from a request. */
    public record Entry(String name, String summary, Set<Norm> norms, List<Option> options, Function<Options, Attack> factory) {
        public boolean accepts(String option) {
            return options.stream().anyMatch(o -> o.name().equals(option));
        }

        String defaultOf(String option) {
            return options.stream().filter(o -> o.name().equals(option)).findFirst().map(Option::defaultValue).orElse(null);
        }
    }

    /**
     * What a caller asks for: norm, radii, targets, seed, batch size, and the options given (by
     * name, as text; the rest take the entry's defaults).
     */
    public record Request(Norm norm, double[] eps, TargetSelection targets, long seed, int batchSize, Map<String, String> options) {
        public Request {
            options = Map.copyOf(options);
            eps = eps.clone();
        }

        public Request option(String name, String value) {
            Map<String, String> m = new LinkedHashMap<>(options);
            m.put(name, value);
            return new Request(norm, eps, targets, seed, batchSize, m);
        }

        public Request targets(TargetSelection t) {
            return new Request(norm, eps, t, seed, batchSize, options);
        }

        public Request seed(long s) {
            return new Request(norm, eps, targets, s, batchSize, options);
        }

        public Request batchSize(int b) {
            return new Request(norm, eps, targets, seed, b, options);
        }
    }

    /** A request with untargeted attacks, the library's default seed and batch size, no options. */
    public static Request request(Norm norm, double... eps) {
        return new Request(norm, eps, TargetSelection.untargeted(), PgdAttack.DEFAULT_SEED, AttackSettings.DEFAULT_BATCH, Map.of());
    }

    /** An entry's options as one request gives them, with the entry's defaults for the rest. */
    public record Options(Entry entry, Request request) {
        /** The option's text, the default when not given, null when neither. */
        public String text(String name) {
            String v = request.options().get(name);
            return v != null ? v : entry.defaultOf(name);
        }

        public boolean given(String name) {
            return request.options().containsKey(name);
        }

        public int integer(String name) {
            String v = text(name);
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be an integer, got '" + v + "'");
            }
        }

        public double number(String name) {
            String v = text(name);
            try {
                return Double.parseDouble(v.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a number, got '" + v + "'");
            }
        }

        public boolean flag(String name) {
            String v = text(name).trim().toLowerCase(Locale.ROOT);
            if (!v.equals("true") && !v.equals("false")) {
                throw new IllegalArgumentException("--" + name + " must be true or false, got '" + v + "'");
            }
            return Boolean.parseBoolean(v);
        }
    }

    private static final Option STEPS_PGD = new Option("steps", "40", "PGD steps");
    private static final Option STEP_SIZE = new Option("step-size", null, "PGD absolute step size (default: 2.5 * eps / steps)");
    private static final Option RANDOM_START = new Option("random-start", "true", "PGD: start from a uniform point of the ball");
    private static final Option RESTARTS = new Option("restarts", "1", "restarts (PGD: need random start)");
    private static final Option LAST_ITERATE = new Option("last-iterate", "false", "PGD: score the last iterate instead of the first success");
    private static final Option CONFIDENCE = new Option("confidence", "0", "C&W: kappa, the logit margin required");
    private static final Option BINARY_STEPS = new Option("binary-steps", "6", "C&W: binary search steps over c");
    private static final Option LEARNING_RATE = new Option("learning-rate", "0.05", "C&W: Adam learning rate");
    private static final Option INITIAL_CONST = new Option("initial-const", "0.01", "C&W: initial c");
    private static final Option QUERIES = new Option("queries", "1000", "Square: query budget per sample and eps");
    private static final Option P_INIT = new Option("p-init", "0.3", "Square: initial window fraction");

    private static final Option EOT_DRAWS = new Option("eot-draws", "1", "EOT: average logits and gradients over this many draws of a randomised model");
    private static final Option STEPS_APGD = new Option("steps", "100", "APGD steps (the step size adapts)");

    private static final Map<String, Entry> ENTRIES = new LinkedHashMap<>();

    static {
        Set<Norm> lp = Set.of(Norm.LINF, Norm.L2);
        add(new Entry("fgsm", "Fast gradient sign (Linf) / fast gradient (L2), one step", lp, List.of(),
                r -> FgsmAttack.of(r.request().norm()).eps(r.request().eps()).targeted(r.request().targets()).batchSize(r.request().batchSize())));
        add(new Entry("pgd", "Projected gradient descent, Madry et al. 2018", lp,
                List.of(STEPS_PGD, STEP_SIZE, RANDOM_START, RESTARTS, LAST_ITERATE, EOT_DRAWS), AttackCatalogue::pgd));
        add(new Entry("apgd-ce", "Auto-PGD with cross-entropy, Croce & Hein 2020", lp, List.of(STEPS_APGD, RESTARTS, EOT_DRAWS),
                r -> apgd(r).loss(ApgdAttack.Loss.CE)));
        add(new Entry("apgd-dlr", "Auto-PGD with the difference of logits ratio loss", lp, List.of(STEPS_APGD, RESTARTS, EOT_DRAWS),
                r -> apgd(r).loss(ApgdAttack.Loss.DLR)));
        add(new Entry("apgd-t", "APGD-T: targeted DLR towards each of the top other classes in turn (untargeted success)", lp,
                List.of(STEPS_APGD, RESTARTS, new Option("target-classes", "9", "APGD-T: how many of the most likely other classes"), EOT_DRAWS),
                r -> {
                    if (r.request().targets().isTargeted()) {
                        throw new IllegalArgumentException("--targeted does not apply to apgd-t (it chooses its own target classes)");
                    }
                    return apgd(r).targetClasses(r.integer("target-classes"));
                }));
        add(new Entry("fab-t", "FAB-T, targeted fast adaptive boundary, Croce & Hein 2020 (minimal perturbation)", lp,
                List.of(new Option("steps", "100", "FAB steps per target class and restart"),
                        new Option("restarts", "1", "FAB restarts (after the first, random starts)"),
                        new Option("target-classes", "9", "FAB-T: how many of the most likely other classes")),
                r -> {
                    if (r.request().targets().isTargeted()) {
                        throw new IllegalArgumentException("--targeted does not apply to fab-t (it chooses its own target classes)");
                    }
                    return FabAttack.of(r.request().norm()).eps(r.request().eps()).steps(r.integer("steps"))
                            .restarts(r.integer("restarts")).targetClasses(r.integer("target-classes")).seed(r.request().seed())
                            .batchSize(r.request().batchSize());
                }));
        add(new Entry("cw", "Carlini & Wagner L2 (scored in the --norm)", lp,
                List.of(new Option("steps", "100", "C&W: Adam steps per binary search step"), CONFIDENCE, BINARY_STEPS,
                        LEARNING_RATE, INITIAL_CONST),
                r -> cw(r).threatNorm(r.request().norm())));
        add(new Entry("deepfool", "DeepFool L2, Moosavi-Dezfooli et al. 2016 (untargeted, minimal perturbation)", Set.of(Norm.L2),
                List.of(new Option("steps", "50", "DeepFool steps"), new Option("overshoot", "0.02", "DeepFool: overshoot"),
                        new Option("candidates", "10", "DeepFool: candidate classes")),
                r -> {
                    if (r.request().targets().isTargeted()) {
                        throw new IllegalArgumentException("--targeted does not apply to deepfool (untargeted only)");
                    }
                    return DeepFoolAttack.l2().eps(r.request().eps()).steps(r.integer("steps")).overshoot(r.number("overshoot"))
                            .candidates(r.integer("candidates")).batchSize(r.request().batchSize());
                }));
        add(new Entry("square", "Square attack (Linf), Andriushchenko et al. 2020, score-based black box", Set.of(Norm.LINF),
                List.of(QUERIES, P_INIT), AttackCatalogue::square));
        add(new Entry("jsma", "JSMA (L0, targeted; eps are changed fractions), Papernot et al. 2016", Set.of(Norm.L0),
                List.of(new Option("theta", "1.0", "JSMA: change per chosen feature, in [-1, 0) or (0, 1]"),
                        new Option("gamma", "0.145", "JSMA: largest fraction of features changed, in [0, 1]")),
                // Targeted by nature: without targets, random targets keyed by the seed.
                r -> JsmaAttack.create().theta(r.number("theta")).gamma(r.number("gamma")).eps(r.request().eps())
                        .targeted(r.request().targets().isTargeted() ? r.request().targets() : TargetSelection.random(r.request().seed()))
                        .batchSize(r.request().batchSize())));
        add(new Entry("strong", "Worst case of PGD with restarts, C&W and Square", Set.of(Norm.LINF),
                List.of(new Option("steps", null, "PGD steps (default 40) and C&W Adam steps (default 100)"), STEP_SIZE,
                        RANDOM_START, new Option("restarts", "5", "PGD restarts"), CONFIDENCE, BINARY_STEPS, LEARNING_RATE,
                        INITIAL_CONST, QUERIES, P_INIT),
                r -> WorstCaseOf.of(pgd(r), cw(r).threatNorm(Norm.LINF), square(r))));
        add(new Entry("autoattack", "AutoAttack standard: APGD-CE, APGD-T (9), FAB-T (9), Square (5000 queries), parameter-free",
                Set.of(Norm.LINF), List.of(), r -> {
                    if (r.request().targets().isTargeted()) {
                        throw new IllegalArgumentException("--targeted does not apply to autoattack (its members choose their targets)");
                    }
                    WorstCaseOf std = WorstCaseOf.standard(r.request().eps());
                    // Seed and batch size reach every member; everything else is AutoAttack's.
                    return WorstCaseOf.of(((ApgdAttack) std.members().get(0)).seed(r.request().seed()).batchSize(r.request().batchSize()),
                            ((ApgdAttack) std.members().get(1)).seed(r.request().seed()).batchSize(r.request().batchSize()),
                            ((FabAttack) std.members().get(2)).seed(r.request().seed()).batchSize(r.request().batchSize()),
                            ((SquareAttack) std.members().get(3)).seed(r.request().seed()).batchSize(r.request().batchSize()));
                }));
    }

    private static void add(Entry e) {
        ENTRIES.put(e.name(), e);
    }

    /** Every entry, in the order the docs list them. */
    public static List<Entry> entries() {
        return List.copyOf(ENTRIES.values());
    }

    public static List<String> names() {
        return List.copyOf(ENTRIES.keySet());
    }

    /** Every option name any entry accepts, sorted. */
    public static Set<String> optionNames() {
        Set<String> s = new TreeSet<>();
        for (Entry e : ENTRIES.values()) e.options().forEach(o -> s.add(o.name()));
        return s;
    }

    public static Entry entry(String name) {
        String key = name.trim().toLowerCase(Locale.ROOT);
        if (key.equals("fgm")) key = "fgsm";
        Entry e = ENTRIES.get(key);
        if (e == null) throw new IllegalArgumentException("unknown attack '" + name + "': use one of " + names());
        return e;
    }

    /**
     * Builds the named attack. Fails with one line naming the problem on an unknown attack, an option
     * the attack does not take (and which attacks do), or a norm it does not measure.
     */
    public static Attack create(String name, Request request) {
        Entry e = entry(name);
        for (String option : request.options().keySet()) {
            if (!e.accepts(option)) {
                List<String> takers = new ArrayList<>();
                for (Entry other : ENTRIES.values()) if (other.accepts(option)) takers.add(other.name());
                throw new IllegalArgumentException("--" + option + " applies to --attack " + String.join(", ", takers)
                        + " only, not " + name);
            }
        }
        if (!e.norms().contains(request.norm())) {
            Norm required = e.norms().contains(Norm.LINF) ? Norm.LINF : e.norms().iterator().next();
            throw new IllegalArgumentException("--attack " + e.name() + " measures " + required.label() + ", not "
                    + request.norm().label() + (required == Norm.L0 ? "" : " (use --norm " + required.label().toLowerCase(Locale.ROOT) + ")"));
        }
        return e.factory().apply(new Options(e, request));
    }

    /** The README's attack table. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| attack | what | norms | options (default) |\n|---|---|---|---|\n");
        for (Entry e : ENTRIES.values()) {
            List<String> opts = e.options().stream()
                    .map(o -> "`--" + o.name() + "`" + (o.defaultValue() == null ? "" : " (" + o.defaultValue() + ")")).toList();
            sb.append("| `").append(e.name()).append("` | ").append(e.summary()).append(" | ")
                    .append(String.join(", ", e.norms().stream().map(Norm::label).sorted().toList())).append(" | ")
                    .append(opts.isEmpty() ? "-" : String.join(", ", opts)).append(" |\n");
        }
        return sb.toString();
    }

    private static PgdAttack pgd(Options r) {
        int restarts = r.integer("restarts");
        boolean randomStart = r.flag("random-start");
        if (restarts > 1 && !randomStart) {
            throw new IllegalArgumentException("--restarts " + restarts + " needs random starts (drop --no-random-start)");
        }
        PgdAttack p = PgdAttack.of(r.request().norm()).eps(r.request().eps())
                .steps(r.text("steps") == null ? 40 : r.integer("steps")).randomStart(randomStart).restarts(restarts)
                .seed(r.request().seed()).targeted(r.request().targets()).batchSize(r.request().batchSize());
        if (r.entry().accepts("last-iterate")) p = p.earlyStop(!r.flag("last-iterate"));
        if (r.entry().accepts("eot-draws")) p = p.eotDraws(r.integer("eot-draws"));
        return r.text("step-size") != null ? p.stepSize(r.number("step-size")) : p;
    }

    private static ApgdAttack apgd(Options r) {
        return ApgdAttack.of(r.request().norm()).eps(r.request().eps()).steps(r.integer("steps")).restarts(r.integer("restarts"))
                .eotDraws(r.integer("eot-draws")).seed(r.request().seed()).targeted(r.request().targets()).batchSize(r.request().batchSize());
    }

    private static CarliniWagnerL2Attack cw(Options r) {
        return CarliniWagnerL2Attack.create().eps(r.request().eps()).steps(r.text("steps") == null ? 100 : r.integer("steps"))
                .binarySearchSteps(r.integer("binary-steps")).learningRate(r.number("learning-rate"))
                .initialConst(r.number("initial-const")).confidence(r.number("confidence")).targeted(r.request().targets())
                .batchSize(r.request().batchSize());
    }

    private static SquareAttack square(Options r) {
        return SquareAttack.linf().eps(r.request().eps()).queries(r.integer("queries")).pInit(r.number("p-init"))
                .seed(r.request().seed()).targeted(r.request().targets()).batchSize(r.request().batchSize());
    }
}
