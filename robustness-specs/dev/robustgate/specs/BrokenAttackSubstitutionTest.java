package dev.robustgate.specs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The robustness specs must notice a broken attack. Every attack's algorithm is replaced (through the
 * test seams, one system property {@code robustgate.test.attack-substitute}) by a no-op, then by random
 * noise, and each robustness spec class is run under each: every one must fail at least one check. The
 * seams: evasion attacks in the attack runner (AttackSubstitution: the input unchanged / full-budget
 * noise), thefts in the extraction package (TheftSubstitution: the thief ignores the victim's answers and
 * hands out its untrained start / learns from random labels), inversions in the inversion package
 * (InversionSubstitution: the starting images unchanged / random images). The table of what caught each
 * is printed and written to target/attack-substitution.md.
 * Not part of {@code mvn test} (tag {@value #TAG}; it runs the specs twice more):
 * {@code mvn test -Psubstitution}. To re-run some classes only:
 * {@code -Drobustgate.test.substitution-specs=MnistKnockoffSpec,MnistInversionSpec} (simple names; the
 * run then checks only those).
 */
@Tag(BrokenAttackSubstitutionTest.TAG)
class BrokenAttackSubstitutionTest {
    static final String TAG = "substitution";
    static final String PROPERTY = "robustgate.test.attack-substitute";
    static final String ONLY = "robustgate.test.substitution-specs";

    /** What a spec class attacks with, and so which seam breaks it. */
    enum Kind { EVASION, THEFT, INVERSION }

    record Spec(Class<?> type, String engine, Kind kind) {}

    /** Every robustness spec class, with the engine that runs it. */
    static final List<Spec> SPECS = List.of(
            new Spec(FashionLeNetSpec.class, "junit-jupiter", Kind.EVASION),
            new Spec(FashionLeNetWorstCaseSpec.class, "junit-jupiter", Kind.EVASION),
            new Spec(AdversarialTrainingSpec.class, "junit-jupiter", Kind.EVASION),
            new Spec(DefensiveDistillationSpec.class, "junit-jupiter", Kind.EVASION),
            new Spec(MaskingFlagsSpec.class, "junit-jupiter", Kind.EVASION),
            new Spec(ApgdVersusPgdSpec.class, "junit-jupiter", Kind.EVASION),
            new Spec(RandomizedDefenseSpec.class, "junit-jupiter", Kind.EVASION),
            new Spec(PerturbationBoundsProperties.class, "jqwik", Kind.EVASION),
            new Spec(MnistKnockoffSpec.class, "junit-jupiter", Kind.THEFT),
            new Spec(EquationSolvingExtractionSpec.class, "junit-jupiter", Kind.THEFT),
            new Spec(MnistInversionSpec.class, "junit-jupiter", Kind.INVERSION));

    private static final List<String> TABLE = new ArrayList<>();

    record Caught(String test, String why) {}

    @ParameterizedTest(name = "attack replaced by {0}")
    @ValueSource(strings = {"noop", "noise"})
    void everySpecClassFailsAtLeastOneCheck(String substitute) {
        Map<Spec, List<Caught>> caught = new LinkedHashMap<>();
        String previous = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, substitute);
        try {
            for (Spec spec : selected()) caught.put(spec, failures(spec.engine(), spec.type()));
        } finally {
            if (previous == null) System.clearProperty(PROPERTY);
            else System.setProperty(PROPERTY, previous);
        }
        caught.forEach((spec, failed) -> {
            String row = "| " + substitute + " | " + spec.kind().name().toLowerCase(Locale.ROOT) + " | " + spec.type().getSimpleName() + " | ";
            if (failed.isEmpty()) TABLE.add(row + "**nothing caught it** | |");
            for (Caught c : failed) TABLE.add(row + c.test() + " | " + c.why() + " |");
        });
        assertThat(caught).as("spec classes that passed with every attack replaced by %s", substitute)
                .allSatisfy((spec, failed) -> assertThat(failed).as(spec.type().getSimpleName()).isNotEmpty());
    }

    /** {@link #SPECS}, or those named by {@value #ONLY}; an unknown name is an error, not a silent skip. */
    static List<Spec> selected() {
        String only = System.getProperty(ONLY, "").trim();
        if (only.isEmpty()) return SPECS;
        List<Spec> out = new ArrayList<>();
        for (String name : only.split(",")) {
            Spec spec = SPECS.stream().filter(s -> s.type().getSimpleName().equals(name.trim())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(ONLY + ": no spec class named '" + name.trim() + "'"));
            out.add(spec);
        }
        return out;
    }

    private static List<Caught> failures(String engine, Class<?> spec) {
        EngineExecutionResults results = EngineTestKit.engine(engine).selectors(DiscoverySelectors.selectClass(spec)).execute();
        List<Caught> out = new ArrayList<>();
        for (Event e : results.testEvents().failed().list()) {
            TestExecutionResult r = e.getPayload(TestExecutionResult.class).orElseThrow();
            String why = r.getThrowable().map(t -> firstLine(String.valueOf(t.getMessage()))).orElse("");
            out.add(new Caught(e.getTestDescriptor().getDisplayName(), why));
        }
        // A container failure (e.g. a @BeforeAll) is a failure too, but say so.
        for (Event e : results.containerEvents().failed().list()) {
            TestExecutionResult r = e.getPayload(TestExecutionResult.class).orElseThrow();
            out.add(new Caught("(container) " + e.getTestDescriptor().getDisplayName(),
                    r.getThrowable().map(t -> firstLine(String.valueOf(t.getMessage()))).orElse("")));
        }
        return out;
    }

    private static String firstLine(String s) {
        String line = s.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse("").replace('|', '/');
        return line.length() > 240 ? line.substring(0, 240) + "..." : line;
    }

    @AfterAll
    static void writeTable() throws IOException {
        List<String> lines = new ArrayList<>(List.of("| substitute | kind | spec class | failed check | first line of the failure |",
                "|---|---|---|---|---|"));
        lines.addAll(TABLE);
        String table = String.join("\n", lines) + "\n";
        System.out.println(table);
        Path out = Paths.get(System.getProperty("robustgate.project.dir", ".")).resolve("target/attack-substitution.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table, StandardCharsets.UTF_8);
    }
}
