package dev.robustgate.junit.internal;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestEngine;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

/**
 * The engine that fails a Surefire run which selected test classes but none of the specs compiled beside
 * them, on test-class directories compiled here: a consumer's {@code target/test-classes} in miniature.
 */
class RequireSpecsEngineTest {
    private static final String SPEC = """
            package acme;
            @dev.robustgate.junit.RobustnessSpec
            public class AcmeModelSpec { @org.junit.jupiter.api.Test void gate() {} }
            """;
    private static final String DATA_TEST = """
            package acme;
            public class DataTest { @org.junit.jupiter.api.Test void photosAreThere() {} }
            """;
    private static final String MODEL_TEST = """
            package acme;
            public class ModelTest { @org.junit.jupiter.params.ParameterizedTest @org.junit.jupiter.params.provider.ValueSource(ints = 1) void loads(int i) {} }
            """;
    private static final String HELPER = """
            package acme;
            public class Photos { public static int count() { return 90; } }
            """;
    private static final String PROPERTIES = """
            package acme;
            @net.jqwik.api.Tag("robustness")
            public class BoundsProperties { @net.jqwik.api.Property boolean inBall(@net.jqwik.api.ForAll int x) { return true; } }
            """;
    private static final String CONDITIONAL_SPEC = """
            package acme;
            @dev.robustgate.junit.RobustnessSpec
            @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "never", matches = "set")
            public class FixtureSpec { @org.junit.jupiter.api.Test void gate() {} }
            """;

    /** A spec and two unit tests; the same without the spec; a jqwik property and one test; a spec and one test. */
    private static ClassLoader withSpec, withoutSpec, withProperties, specAndOneTest, conditionalSpecOnly;

    @BeforeAll
    static void compile(@TempDir Path tmp) throws IOException {
        withSpec = compile(tmp.resolve("a/test-classes"), SPEC, DATA_TEST, MODEL_TEST, HELPER);
        withoutSpec = compile(tmp.resolve("b/test-classes"), DATA_TEST, MODEL_TEST, HELPER);
        withProperties = compile(tmp.resolve("c/test-classes"), PROPERTIES, DATA_TEST, HELPER);
        specAndOneTest = compile(tmp.resolve("d/test-classes"), SPEC, DATA_TEST, HELPER);
        conditionalSpecOnly = compile(tmp.resolve("e/test-classes"), CONDITIONAL_SPEC, DATA_TEST, MODEL_TEST);
    }

    private static ClassLoader compile(Path out, String... sources) throws IOException {
        Path src = Files.createDirectories(out.resolveSibling("src"));
        Files.createDirectories(out);
        List<String> args = new ArrayList<>(List.of("-d", out.toString(), "-proc:none", "-cp",
                System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"))));
        for (String s : sources) {
            String name = s.substring(s.indexOf("public class ") + 13).split(" ")[0];
            Path f = src.resolve(name + ".java");
            Files.writeString(f, s);
            args.add(f.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = javac.run(null, null, err, args.toArray(String[]::new));
        assertThat(rc).as(err.toString()).isZero();
        return new URLClassLoader(new java.net.URL[]{out.toUri().toURL()}, RequireSpecsEngineTest.class.getClassLoader());
    }

    /** Surefire's forked JVM with no -Dtest: the run Surefire's includes chose. */
    private static RequireSpecsEngine surefire() {
        return new RequireSpecsEngine(() -> false, () -> true, () -> new RunScope(null), new HashSet<>());
    }

    private static EngineExecutionResults run(TestEngine engine, Map<String, String> config, DiscoverySelector... selectors) {
        return EngineTestKit.engine(engine).configurationParameters(config).selectors(selectors).execute();
    }

    private static EngineExecutionResults run(TestEngine engine, DiscoverySelector... selectors) {
        return run(engine, Map.of(), selectors);
    }

    private static String failure(EngineExecutionResults results) {
        results.testEvents().assertStatistics(s -> s.started(1).failed(1).succeeded(0));
        return results.testEvents().failed().stream().findFirst().orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow().getMessage();
    }

    private static void quiet(EngineExecutionResults results) {
        results.testEvents().assertStatistics(s -> s.started(0));
        results.containerEvents().assertStatistics(s -> s.failed(0));
    }

    @Test
    void aRunOfTheUnitTestsBesideAnUnselectedSpecFailsWithOneLineNamingItAndTheInclude() {
        String message = failure(run(surefire(), selectClass(withSpec, "acme.DataTest"), selectClass(withSpec, "acme.ModelTest")));

        assertThat(message).isEqualTo("No spec ran: 1 spec class is compiled into a/test-classes but not selected (AcmeModelSpec);"
                + " add <include>**/*Spec.java</include> with <include>**/*Test.java</include> to maven-surefire-plugin's"
                + " <includes> (or set robustgate.gate.requireSpecs=false)");
    }

    @Test
    void aRunThatSelectsTheSpecIsQuiet() {
        quiet(run(surefire(), selectClass(withSpec, "acme.DataTest"), selectClass(withSpec, "acme.AcmeModelSpec"),
                selectClass(withSpec, "acme.ModelTest")));
    }

    @Test
    void aProjectWithoutSpecsIsQuiet() {
        quiet(run(surefire(), selectClass(withoutSpec, "acme.DataTest"), selectClass(withoutSpec, "acme.ModelTest")));
    }

    @Test
    void aSpecThatCarriesAConditionIsAFixtureAndNotRequired() {
        quiet(run(surefire(), selectClass(conditionalSpecOnly, "acme.DataTest"), selectClass(conditionalSpecOnly, "acme.ModelTest")));
    }

    @Test
    void aJqwikPropertyTaggedRobustnessIsASpec() {
        assertThat(failure(run(surefire(), selectClass(withProperties, "acme.DataTest"), selectClass(withProperties, "acme.Photos"))))
                .contains("(BoundsProperties)");
        quiet(run(surefire(), selectClass(withProperties, "acme.DataTest"), selectClass(withProperties, "acme.BoundsProperties")));
    }

    @Test
    void aDeliberateDashDTestOfOneUnitTestIsQuiet() {
        // Surefire passes -Dtest on to its JVM as a system property, with a class selector of the class it matched.
        var dashDTest = new RequireSpecsEngine(() -> false, () -> true, () -> new RunScope("-Dtest=DataTest"), new HashSet<>());

        quiet(run(dashDTest, selectClass(specAndOneTest, "acme.DataTest")));
        quiet(run(dashDTest, selectClass(specAndOneTest, "acme.DataTest")));  // Surefire's scan, then its run
        quiet(run(dashDTest, selectClass(withSpec, "acme.DataTest"), selectClass(withSpec, "acme.ModelTest")));
    }

    @Test
    void oneClassIsSurefiresWholeChoiceWhenItWasScannedAloneBeforeAndNoOtherTestClassIsBesideIt() {
        // The only unit test of a project whose spec Surefire skipped, the consumer's first build: Surefire's JVM
        // discovers the class alone (its scan: is there a test in it?), then runs it.
        RequireSpecsEngine surefire = surefire();
        quiet(run(surefire, selectClass(specAndOneTest, "acme.DataTest")));
        assertThat(failure(run(surefire, selectClass(specAndOneTest, "acme.DataTest")))).contains("(AcmeModelSpec)");
        // forkCount > 1: each class is run alone, once, and the spec (included) in a request of its own.
        quiet(run(surefire(), selectClass(specAndOneTest, "acme.DataTest")));
        // One of two unit tests (forkCount > 1, or a project whose other test Surefire's includes exclude).
        RequireSpecsEngine other = surefire();
        quiet(run(other, selectClass(withSpec, "acme.DataTest")));
        quiet(run(other, selectClass(withSpec, "acme.DataTest")));
    }

    @Test
    void anIdeRunIsQuiet() {
        var ide = new RequireSpecsEngine(() -> false, () -> false, () -> new RunScope(null), new HashSet<>());
        quiet(run(ide, selectClass(specAndOneTest, "acme.DataTest")));
        quiet(run(ide, selectClass(specAndOneTest, "acme.DataTest")));
        quiet(run(ide, selectClass(withSpec, "acme.DataTest"), selectClass(withSpec, "acme.ModelTest")));
        // A method selector (an IDE's or a rerun's) is deliberate, also in Surefire's JVM.
        quiet(run(surefire(), selectClass(withSpec, "acme.DataTest"), selectMethod(withSpec, "acme.ModelTest", "loads", "int")));
    }

    @Test
    void aLauncherStartedInsideATestIsQuiet() {
        var nested = new RequireSpecsEngine(() -> true, () -> true, () -> new RunScope(null), new HashSet<>());
        quiet(run(nested, selectClass(withSpec, "acme.DataTest"), selectClass(withSpec, "acme.ModelTest")));
    }

    @Test
    void theParameterTurnsTheCheckOffOrOnForEveryRun() {
        var dashDTest = new RequireSpecsEngine(() -> false, () -> false, () -> new RunScope("-Dtest=DataTest"), new HashSet<>());

        quiet(run(surefire(), Map.of(SpecSelection.PARAMETER, "false"), selectClass(withSpec, "acme.DataTest"),
                selectClass(withSpec, "acme.ModelTest")));
        assertThat(failure(run(dashDTest, Map.of(SpecSelection.PARAMETER, "true"), selectClass(withSpec, "acme.DataTest"))))
                .isEqualTo("No spec ran: 1 spec class is compiled into a/test-classes but not selected by -Dtest=DataTest"
                        + " (AcmeModelSpec); robustgate.gate.requireSpecs=true requires a spec in every run");
        assertThat(failure(run(surefire(), Map.of(SpecSelection.PARAMETER, "yes"), selectClass(withSpec, "acme.DataTest"))))
                .isEqualTo("robustgate.gate.requireSpecs must be auto, true or false, not 'yes'");
    }

    @Test
    void theJarRegistersTheEngine() {
        assertThat(ServiceLoader.load(TestEngine.class).stream().map(p -> p.type().getName()))
                .contains(RequireSpecsEngine.class.getName());
        assertThat(new RequireSpecsEngine().getId()).isEqualTo("robustgate-gate");
    }

    @Test
    void theClassRootIsTheDirectoryAboveThePackage() {
        assertThat(SpecSelection.classRoot("acme.DataTest", withSpec)).endsWith(Path.of("a", "test-classes"));
        assertThat(SpecSelection.classRoot("org.junit.jupiter.api.Test", withSpec)).isNull();
    }
}
