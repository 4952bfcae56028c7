package dev.robustgate.junit.internal;

import dev.robustgate.junit.RobustnessSpec;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Spec classes compiled into the test classes that a run did not include. Surefire's default
 * includes are {@code **}{@code /Test*.java, *Test.java, *Tests.java, *TestCase.java}: a class named
 * {@code AcmeModelSpec} is compiled and then silently not run, and the build is green because
 * nothing failed. This finds such classes so that the run says so.
 */
final class SpecClasses {
    private static final int MAX_CLASSES = 20_000;

    private SpecClasses() {}

    /** Spec classes in the test-class directories of the classpath that {@code plan} does not contain. */
    static List<String> notRun(TestPlan plan, List<String> specClasses) {
        Set<String> inPlan = new HashSet<>();
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier id : plan.getDescendants(root)) {
                id.getSource().ifPresent(s -> {
                    if (s instanceof ClassSource c) inPlan.add(c.getClassName());
                    if (s instanceof MethodSource m) inPlan.add(m.getClassName());
                });
            }
        }
        List<String> unrun = new ArrayList<>();
        for (String name : specClasses) {
            if (!inPlan.contains(name)) unrun.add(name);
        }
        return unrun;
    }

    static String warning(List<String> unrun, boolean noSpecRan) {
        String names = String.join(", ", unrun.stream().map(n -> n.substring(n.lastIndexOf('.') + 1)).toList());
        return "[robustgate] WARNING: " + (noSpecRan ? "no spec ran, but " : "") + unrun.size() + " spec class"
                + (unrun.size() == 1 ? " was" : "es were") + " compiled and not run: " + names + ".\n"
                + "[robustgate] Surefire's default includes (*Test, Test*, *Tests, *TestCase) miss *Spec classes: add\n"
                + "[robustgate]   <include>**/*Spec.java</include> (with **/*Test.java) to maven-surefire-plugin's <includes>,\n"
                + "[robustgate]   or run them with mvn test -Dtest='*Spec'. A gate that does not run protects nothing.";
    }

    /**
     * Top-level classes annotated {@link RobustnessSpec} in the classpath's test-class directories,
     * except those that carry a JUnit condition ({@code @Disabled}, {@code @EnabledIf...}): such a
     * class says itself when it runs (test fixtures do this).
     */
    static List<String> specClassesOnClasspath() {
        List<String> specs = new ArrayList<>();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path", ""));
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (String entry : cp.split(File.pathSeparator)) {
            Path dir = Path.of(entry);
            if (entry.isBlank() || !Files.isDirectory(dir) || !dir.toString().contains("test")) continue;
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().contains("$"))
                        .limit(MAX_CLASSES).toList()) {
                    String rel = dir.relativize(f).toString();
                    String name = rel.substring(0, rel.length() - ".class".length()).replace(File.separatorChar, '.');
                    if (isSpec(name, loader)) specs.add(name);
                }
            } catch (IOException | RuntimeException e) {
                // the warning is a courtesy: an unreadable directory only means no warning
            }
        }
        return specs;
    }

    private static boolean isSpec(String name, ClassLoader loader) {
        try {
            Class<?> c = Class.forName(name, false, loader);
            if (!c.isAnnotationPresent(RobustnessSpec.class)) return false;
            for (var a : c.getAnnotations()) {
                String type = a.annotationType().getName();
                if (type.startsWith("org.junit.jupiter.api.condition.") || type.equals("org.junit.jupiter.api.Disabled")) return false;
            }
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
