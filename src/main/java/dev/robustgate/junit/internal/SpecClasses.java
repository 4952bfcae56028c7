package dev.robustgate.junit.internal;

import org.junit.platform.commons.annotation.Testable;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.File;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Spec classes compiled into the test classes that a run did not include. Surefire's default
 * includes are {@code **}{@code /Test*.java, *Test.java, *Tests.java, *TestCase.java}: a class named
 * {@code AcmeModelSpec} is compiled and then silently not run, and the build is green because
 * nothing failed. This finds such classes so that the run says so ({@link GateTableListener}) or
 * fails ({@link RequireSpecsEngine}).
 *
 * <p>A spec class is a top-level, concrete class tagged {@value dev.robustgate.junit.RobustnessSpec#TAG}:
 * by {@code @RobustnessSpec}, JUnit's {@code @Tag} or jqwik's {@code @Tag} (what {@link GateTable#isSpec}
 * sees at run time), except one that carries a JUnit condition ({@code @Disabled}, {@code @EnabledIf...}):
 * such a class says itself when it runs (test fixtures do this).
 */
final class SpecClasses {
    private static final int MAX_CLASSES = 20_000;
    private static final Map<Path, Directory> SCANNED = new ConcurrentHashMap<>();

    /** The top-level spec classes and other test classes (with a JUnit or jqwik test method) of one directory. */
    record Directory(List<String> specs, Set<String> tests) {
        static final Directory EMPTY = new Directory(List.of(), Set.of());
    }

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

    /** Top-level classes in {@code plan}. */
    static long classesIn(TestPlan plan) {
        Set<String> classes = new HashSet<>();
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier id : plan.getDescendants(root)) {
                id.getSource().ifPresent(s -> {
                    String n = s instanceof ClassSource c ? c.getClassName() : s instanceof MethodSource m ? m.getClassName() : null;
                    if (n != null) classes.add(n.contains("$") ? n.substring(0, n.indexOf('$')) : n);
                });
            }
        }
        return classes.size();
    }

    static String warning(List<String> unrun, boolean noSpecRan) {
        return "[robustgate] WARNING: " + (noSpecRan ? "no spec ran, but " : "") + unrun.size() + " spec class"
                + (unrun.size() == 1 ? " was" : "es were") + " compiled and not run: " + simpleNames(unrun) + ".\n"
                + "[robustgate] Surefire's default includes (*Test, Test*, *Tests, *TestCase) miss *Spec classes: add\n"
                + "[robustgate]   <include>**/*Spec.java</include> (with **/*Test.java) to maven-surefire-plugin's <includes>,\n"
                + "[robustgate]   or run them with mvn test -Dtest='*Spec'. A gate that does not run protects nothing.";
    }

    static String simpleNames(List<String> classNames) {
        return String.join(", ", classNames.stream().map(n -> n.substring(n.lastIndexOf('.') + 1)).toList());
    }

    /** Spec classes in the classpath's test-class directories (those whose path contains "test"). */
    static List<String> specClassesOnClasspath() {
        List<String> specs = new ArrayList<>();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path", ""));
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        for (String entry : cp.split(File.pathSeparator)) {
            if (entry.isBlank() || !entry.contains("test")) continue;
            specs.addAll(in(Path.of(entry), loader).specs());
        }
        return specs;
    }

    /**
     * The spec and test classes compiled into {@code dir}, loaded (not initialised) through {@code loader};
     * scanned once per directory per JVM (Surefire's scan asks once per class). An unreadable directory is empty:
     * the check is a guard, and a class that cannot be loaded cannot run either.
     */
    static Directory in(Path dir, ClassLoader loader) {
        if (!Files.isDirectory(dir)) return Directory.EMPTY;
        return SCANNED.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> scan(d, loader));
    }

    private static Directory scan(Path dir, ClassLoader loader) {
        List<String> specs = new ArrayList<>();
        Set<String> tests = new HashSet<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().contains("$"))
                    .limit(MAX_CLASSES).toList()) {
                String rel = dir.relativize(f).toString();
                String name = rel.substring(0, rel.length() - ".class".length()).replace(File.separatorChar, '.');
                if (name.endsWith("package-info") || name.endsWith("module-info")) continue;
                Class<?> c = load(name, loader);
                if (c == null || c.isInterface() || Modifier.isAbstract(c.getModifiers())) continue;
                if (isSpec(c)) specs.add(name);
                else if (hasTests(c)) tests.add(name);
            }
        } catch (IOException | RuntimeException e) {
            System.err.println("[robustgate] WARNING: could not list the test classes in " + dir + " ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); specs there are not checked for selection");
            return Directory.EMPTY;
        }
        specs.sort(null);
        return new Directory(List.copyOf(specs), Set.copyOf(tests));
    }

    private static Class<?> load(String name, ClassLoader loader) {
        try {
            return Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /** Tagged robustness (directly, through a meta-annotation or {@code @Inherited}) and not conditional. */
    static boolean isSpec(Class<?> c) {
        boolean tagged = false;
        try {
            for (Annotation a : c.getAnnotations()) {
                String type = a.annotationType().getName();
                if (type.startsWith("org.junit.jupiter.api.condition.") || type.equals("org.junit.jupiter.api.Disabled")) return false;
                tagged |= tagsRobustness(a, 0);
            }
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
        return tagged;
    }

    /** JUnit's {@code @Tag}/{@code @Tags} or jqwik's {@code @Tag}/{@code @TagList} naming the robustness tag, or an annotation carrying one. */
    private static boolean tagsRobustness(Annotation a, int depth) {
        Class<? extends Annotation> type = a.annotationType();
        if (type.getSimpleName().equals("Tag") && isTagFramework(type)) {
            return dev.robustgate.junit.RobustnessSpec.TAG.equals(value(a));
        }
        if (isTagFramework(type) && value(a) instanceof Annotation[] tags) {
            for (Annotation t : tags) if (tagsRobustness(t, depth + 1)) return true;
            return false;
        }
        if (depth > 2 || type.getName().startsWith("java.")) return false;
        for (Annotation meta : type.getAnnotations()) if (tagsRobustness(meta, depth + 1)) return true;
        return false;
    }

    private static boolean isTagFramework(Class<?> type) {
        String n = type.getName();
        return n.startsWith("org.junit.jupiter.api.") || n.startsWith("net.jqwik.api.");
    }

    private static Object value(Annotation a) {
        try {
            return a.annotationType().getMethod("value").invoke(a);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** A method of the class or its superclasses is a JUnit Platform test ({@code @Testable}: Jupiter, jqwik) or JUnit 4's {@code @Test}. */
    static boolean hasTests(Class<?> c) {
        try {
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                for (Method m : k.getDeclaredMethods()) {
                    for (Annotation a : m.getAnnotations()) {
                        Class<? extends Annotation> t = a.annotationType();
                        if (t.isAnnotationPresent(Testable.class) || t.getName().equals("org.junit.Test")) return true;
                        for (Annotation meta : t.getAnnotations()) {
                            if (meta.annotationType().isAnnotationPresent(Testable.class)) return true;
                        }
                    }
                }
            }
        } catch (LinkageError | RuntimeException e) {
            return false;
        }
        return false;
    }
}
