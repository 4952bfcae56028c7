package dev.robustgate.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ./robustgate} launcher script. It builds (mvn test-compile) when its classpath file is
 * missing or older than a source; these tests never let it. The Maven build writes
 * target/robustgate.classpath and marks it built (pom.xml, executions robustgate-classpath and
 * mark-robustgate-classpath-built), so on a fresh {@code mvn test} both tests run; when the build
 * products are missing or stale (e.g. run from an IDE after an edit, without Maven) they fail with
 * the reason instead of passing quietly.
 */
class RobustGateScriptTest {
    private static final Path PROJECT = Paths.get(System.getProperty("robustgate.project.dir", ".")).toAbsolutePath().normalize();
    private static final Path CLASSPATH = PROJECT.resolve("target/robustgate.classpath");

    @TempDir
    Path tmp;

    record Exec(int exitCode, String out, String err) {}

    private static void requireBuilt() throws IOException {
        assertThat(PROJECT.resolve("robustgate")).as("the launcher script").isRegularFile();
        assertThat(Files.isRegularFile(CLASSPATH) && Files.size(CLASSPATH) > 0)
                .as("%s is missing or empty: the Maven build writes it (execution robustgate-classpath); run mvn test-compile", CLASSPATH)
                .isTrue();
        assertThat(PROJECT.resolve("target/classes")).as("build output: run mvn test-compile").isDirectory();
        assertThat(PROJECT.resolve("target/test-classes")).as("build output: run mvn test-compile").isDirectory();
    }

    /** The script's own test: {@code find pom.xml src robustness-specs fixtures/victims -newer $cp_file -type f}. */
    private static boolean wouldRebuild() throws IOException {
        FileTime built = Files.getLastModifiedTime(CLASSPATH);
        for (String root : List.of("pom.xml", "src", "robustness-specs", "fixtures/victims")) {
            Path p = PROJECT.resolve(root);
            if (!Files.exists(p)) continue;
            try (Stream<Path> files = Files.walk(p)) {
                boolean newer = files.filter(Files::isRegularFile).anyMatch(f -> {
                    try {
                        return Files.getLastModifiedTime(f).compareTo(built) > 0;
                    } catch (IOException e) {
                        return true;
                    }
                });
                if (newer) return true;
            }
        }
        return false;
    }

    private static Exec bash(Path script, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("bash", script.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(PROJECT.toFile());
        pb.environment().put("ROBUSTGATE_JAVA_OPTS", "-Xmx512m -Drobustgate.progress=off");
        Path out = Files.createTempFile("robustgate-script", ".out");
        Path err = Files.createTempFile("robustgate-script", ".err");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("robustgate " + String.join(" ", args) + " did not finish in 30 s");
            }
            return new Exec(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static void assertUsage(Exec r) {
        assertThat(r.exitCode()).as("%s", r).isZero();
        assertThat(r.out()).as("%s", r).contains("Usage: robustgate").contains("gate").contains("eval");
        assertThat(r.out()).containsPattern("(?m)^\\s+gate\\s+Run the robustness specs")
                .containsPattern("(?m)^\\s+eval\\s+Evaluate a victim or a model file");
        assertThat(r.err()).as("the script must not have built").doesNotContain("[robustgate] building");
    }

    @Test
    @Timeout(60)
    void helpInTheProjectListsTheSubcommands() throws Exception {
        requireBuilt();
        assertThat(wouldRebuild()).as("a source is newer than target/robustgate.classpath, so ./robustgate would run mvn "
                + "first; the Maven build marks it built after reading the sources: run mvn test-compile").isFalse();

        assertUsage(bash(PROJECT.resolve("robustgate"), "--help"));
    }

    /**
     * The same script from a scratch directory whose target/ and pom.xml link to the project's: no
     * source is there to be newer, so it never builds, and the launch line (classpath, main class, exit code)
     * is exercised even while the sources have just been edited.
     */
    @Test
    @Timeout(90)
    void aCopyOfTheScriptLaunchesTheBuiltCliAndPassesTheExitCodeThrough() throws Exception {
        requireBuilt();
        Path script = Files.copy(PROJECT.resolve("robustgate"), tmp.resolve("robustgate"));
        Files.createSymbolicLink(tmp.resolve("target"), PROJECT.resolve("target"));
        // The script reads settings (serial filter, Allure version) from pom.xml; a link is no regular file, so the
        // script's "newer source" test (find -type f) still sees nothing to rebuild.
        Files.createSymbolicLink(tmp.resolve("pom.xml"), PROJECT.resolve("pom.xml"));

        assertUsage(bash(script, "--help"));

        // main's own exception handler (not the copy in CliRun) and System.exit's code, through exec.
        Exec bad = bash(script, "eval", "--victim", "fashion-mlp-small", "--eps", "0.1", "--limit", "0");
        assertThat(bad.exitCode()).as("%s", bad).isEqualTo(2);
        assertThat(bad.err().lines().filter(l -> !l.isBlank()).toList()).as("%s", bad)
                .containsExactly("robustgate eval: --limit must be >= 1, got 0");
        assertThat(bad.out()).isEmpty();
    }
}
