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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The robustness specs must notice a broken attack. Every attack's algorithm is replaced (through the
 * attack runner's test seam, system property {@code robustgate.test.attack-substitute}) by a no-op that
 * returns the input, then by random noise of the full budget, and each spec class that runs an evasion
 * attack is run under each: every one must fail at least one check. The table of what caught each is
 * printed and written to target/attack-substitution.md.
 * Not part of {@code mvn test} (tag {@value #TAG}; it runs the evasion specs twice more):
 * {@code mvn test -Psubstitution}.
 * The extraction and inversion specs (MnistKnockoffSpec, EquationSolvingExtractionSpec,
 * MnistInversionSpec) run no evasion attack, so the seam does not touch them; their gates on the
 * attack's success (agreement or parameter error of the stolen copy, confidence of the
 * reconstruction) are lower bounds that a broken extraction or inversion fails by construction.
 */
@Tag(BrokenAttackSubstitutionTest.TAG)
class BrokenAttackSubstitutionTest {
    static final String TAG = "substitution";
    static final String PROPERTY = "robustgate.test.attack-substitute";

    /** The spec classes that run evasion attacks, with the engine that runs them. */
    static final Map<Class<?>, String> EVASION_SPECS = new LinkedHashMap<>();
    static {
        EVASION_SPECS.put(FashionLeNetSpec.class, "junit-jupiter");
        EVASION_SPECS.put(FashionLeNetWorstCaseSpec.class, "junit-jupiter");
        EVASION_SPECS.put(AdversarialTrainingSpec.class, "junit-jupiter");
        EVASION_SPECS.put(DefensiveDistillationSpec.class, "junit-jupiter");
        EVASION_SPECS.put(MaskingFlagsSpec.class, "junit-jupiter");
        EVASION_SPECS.put(ApgdVersusPgdSpec.class, "junit-jupiter");
        EVASION_SPECS.put(RandomizedDefenseSpec.class, "junit-jupiter");
        EVASION_SPECS.put(PerturbationBoundsProperties.class, "jqwik");
    }

    private static final List<String> TABLE = new ArrayList<>();

    record Caught(String test, String why) {}

    @ParameterizedTest(name = "attack replaced by {0}")
    @ValueSource(strings = {"noop", "noise"})
    void everyEvasionSpecClassFailsAtLeastOneCheck(String substitute) {
        Map<String, List<Caught>> caught = new LinkedHashMap<>();
        String previous = System.getProperty(PROPERTY);
        System.setProperty(PROPERTY, substitute);
        try {
            for (Map.Entry<Class<?>, String> spec : EVASION_SPECS.entrySet()) {
                caught.put(spec.getKey().getSimpleName(), failures(spec.getValue(), spec.getKey()));
            }
        } finally {
            if (previous == null) System.clearProperty(PROPERTY);
            else System.setProperty(PROPERTY, previous);
        }
        caught.forEach((spec, failed) -> {
            if (failed.isEmpty()) TABLE.add("| " + substitute + " | " + spec + " | **nothing caught it** | |");
            for (Caught c : failed) TABLE.add("| " + substitute + " | " + spec + " | " + c.test() + " | " + c.why() + " |");
        });
        assertThat(caught).as("spec classes that passed with every attack replaced by %s", substitute)
                .allSatisfy((spec, failed) -> assertThat(failed).as(spec).isNotEmpty());
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
        List<String> lines = new ArrayList<>(List.of("| substitute | spec class | failed check | first line of the failure |",
                "|---|---|---|---|"));
        lines.addAll(TABLE);
        String table = String.join("\n", lines) + "\n";
        System.out.println(table);
        Path out = Paths.get(System.getProperty("robustgate.project.dir", ".")).resolve("target/attack-substitution.md");
        Files.createDirectories(out.getParent());
        Files.writeString(out, table, StandardCharsets.UTF_8);
    }
}
