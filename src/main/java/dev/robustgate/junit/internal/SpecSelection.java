package dev.robustgate.junit.internal;

import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Whether a run selected test classes but none of the spec classes compiled beside them: the decision
 * behind {@link RequireSpecsEngine}, with no JUnit Platform in it.
 *
 * <p>{@value #PARAMETER} (a JUnit configuration parameter: {@code junit-platform.properties} or
 * {@code -D}) is {@code auto} (default), {@code true} or {@code false}. In {@code auto} the check applies only
 * to a run Surefire chose by its includes: in Surefire's test JVM ({@code surefire.test.class.path} is set),
 * with no {@code -Dtest}, {@code -Dgroups} or shard (Surefire passes them on as system properties;
 * {@link RunScope}), and with class selectors only (an IDE's method, package or unique-id selection is
 * deliberate). A request of one class is Surefire's whole choice only if no other test class is compiled beside
 * it and the class was asked for alone before in this JVM: Surefire's JVM (forkCount 1) discovers every class
 * alone while scanning and then runs those it kept in one request, while with {@code forkCount > 1} each class
 * is run in a request of its own, once, and the specs in others. {@code true} checks every run that selects classes, {@code false} none.
 */
final class SpecSelection {
    static final String PARAMETER = "robustgate.gate.requireSpecs";

    enum Mode {
        AUTO, TRUE, FALSE;

        static Mode parse(Optional<String> value) {
            String v = value.map(s -> s.trim().toLowerCase(Locale.ROOT)).orElse("auto");
            return switch (v) {
                case "auto", "" -> AUTO;
                case "true" -> TRUE;
                case "false" -> FALSE;
                default -> throw new IllegalArgumentException(PARAMETER + " must be auto, true or false, not '" + value.get() + "'");
            };
        }
    }

    /**
     * What the check knows about the run besides its selected classes; {@code askedAlone} remembers the classes
     * earlier requests of this JVM selected alone (see {@link #missedSpecs}).
     */
    record Run(Mode mode, boolean underSurefire, RunScope scope, boolean onlyClassSelectors, Set<String> askedAlone) {}

    private SpecSelection() {}

    /**
     * The failure message when {@code selected} (class names) come from test-class directories that hold spec
     * classes none of which is selected; empty when the run is fine or the check does not apply to it.
     */
    static Optional<String> missedSpecs(Run run, List<String> selected, ClassLoader loader) {
        if (run.mode() == Mode.FALSE || selected.isEmpty()) return Optional.empty();
        if (run.mode() == Mode.AUTO && (!run.underSurefire() || !run.scope().full() || !run.onlyClassSelectors())) {
            return Optional.empty();
        }
        Map<Path, SpecClasses.Directory> dirs = new LinkedHashMap<>();
        List<String> fromDirs = new ArrayList<>();
        for (String name : selected) {
            Path root = classRoot(name, loader);
            if (root == null) continue;
            dirs.computeIfAbsent(root, d -> SpecClasses.in(d, loader));
            fromDirs.add(name);
        }
        Set<String> specs = new TreeSet<>();
        Set<String> tests = new TreeSet<>();
        dirs.values().forEach(d -> {
            specs.addAll(d.specs());
            tests.addAll(d.tests());
        });
        if (specs.isEmpty() || fromDirs.isEmpty() || fromDirs.stream().anyMatch(specs::contains)) return Optional.empty();
        if (run.mode() == Mode.AUTO && fromDirs.size() == 1) {
            // Surefire's own JVM (forkCount 1) first discovers each class alone to see whether it has tests, then
            // runs all it kept in one request: a class asked for alone a second time is that run. With
            // forkCount > 1 each class is run alone and asked for once, and the specs run in other requests.
            String only = dirs.keySet().iterator().next() + "!" + fromDirs.get(0);
            if (run.askedAlone().add(only) || tests.stream().anyMatch(t -> !fromDirs.contains(t))) return Optional.empty();
        }
        return Optional.of(message(List.copyOf(specs), dirs.keySet(), run.scope()));
    }

    static String message(List<String> specs, Set<Path> dirs, RunScope scope) {
        String where = dirs.stream().map(SpecSelection::shortDir).distinct().reduce((a, b) -> a + ", " + b).orElse("the test classes");
        String head = "No spec ran: " + specs.size() + " spec class" + (specs.size() == 1 ? " is" : "es are") + " compiled into " + where
                + " but not selected";
        if (!scope.full()) {
            return head + " by " + scope.selection() + " (" + SpecClasses.simpleNames(specs) + "); " + PARAMETER
                    + "=true requires a spec in every run";
        }
        return head + " (" + SpecClasses.simpleNames(specs) + "); add <include>**/*Spec.java</include> with"
                + " <include>**/*Test.java</include> to maven-surefire-plugin's <includes> (or set " + PARAMETER + "=false)";
    }

    private static String shortDir(Path dir) {
        int n = dir.getNameCount();
        return n >= 2 ? dir.subpath(n - 2, n).toString() : dir.toString();
    }

    /** The directory {@code className} was compiled into, or null when it comes from a jar or cannot be found. */
    static Path classRoot(String className, ClassLoader loader) {
        String resource = className.replace('.', '/') + ".class";
        try {
            URL url = loader == null ? ClassLoader.getSystemResource(resource) : loader.getResource(resource);
            if (url == null || !"file".equals(url.getProtocol())) return null;
            Path file = Path.of(URI.create(url.toString()));
            Path root = file;
            for (int i = 0; i < className.split("\\.").length; i++) root = root.getParent();
            return root;
        } catch (RuntimeException e) {
            return null;
        }
    }
}
