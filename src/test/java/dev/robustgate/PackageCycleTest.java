package dev.robustgate;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The package graph of the main classes is acyclic: every dev.robustgate package that depends on
 * another (any class, field, method or signature reference in a compiled class's constant pool;
 * string literals excluded) must not be reachable back from it. Read from the bytecode, so imports
 * for Javadoc only do not count and fully qualified names in code do.
 */
class PackageCycleTest {
    private static final Pattern REF = Pattern.compile("dev/robustgate/[\\w/$]+");

    @Test
    void mainPackagesFormNoCycle() throws Exception {
        Map<String, Map<String, Set<String>>> deps = packageDependencies(mainClasses());
        assertThat(deps).as("main classes found").hasSizeGreaterThan(10);
        List<List<String>> cycles = cycles(deps);
        assertThat(cycles).as(() -> describe(cycles, deps)).isEmpty();
    }

    @Test
    void findsACycleWhenThereIsOne() {
        Map<String, Map<String, Set<String>>> deps = new TreeMap<>();
        deps.put("a", Map.of("b", Set.of("a.X -> b.Y")));
        deps.put("b", Map.of("c", Set.of("b.Y -> c.Z")));
        deps.put("c", Map.of("a", Set.of("c.Z -> a.X")));
        deps.put("d", Map.of("a", Set.of("d.W -> a.X")));
        assertThat(cycles(deps)).containsExactly(List.of("a", "b", "c"));
        assertThat(describe(cycles(deps), deps)).contains("a -> b (a.X -> b.Y)");
    }

    @Test
    void readsReferencesFromTheConstantPool() throws IOException {
        // This class refers to RobustGateException's package only through the constant pool of its code.
        Set<String> refs = referencedClasses(Files.readAllBytes(classFile(Holder.class)));
        assertThat(refs).contains("dev.robustgate.RobustGateException").doesNotContain("dev.robustgate.not.AClass");
    }

    static final class Holder {
        static final String LITERAL = "dev/robustgate/not/AClass";
        Object make() { return new RobustGateException("x"); }
    }

    private static Path classFile(Class<?> c) {
        try {
            Path root = Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
            return root.resolve(c.getName().replace('.', '/') + ".class");
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Path> mainClasses() throws IOException {
        Path root = classFile(RobustGateException.class).getParent().getParent().getParent();
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".class")).toList();
        }
    }

    /** package -> (package it depends on -> a few "Class -> Class" witnesses). */
    private static Map<String, Map<String, Set<String>>> packageDependencies(List<Path> classes) throws IOException {
        Map<String, Map<String, Set<String>>> deps = new TreeMap<>();
        for (Path p : classes) {
            byte[] bytes = Files.readAllBytes(p);
            String self = className(bytes);
            String from = packageOf(self);
            Map<String, Set<String>> out = deps.computeIfAbsent(from, k -> new TreeMap<>());
            for (String ref : referencedClasses(bytes)) {
                String to = packageOf(ref);
                if (!to.equals(from)) out.computeIfAbsent(to, k -> new TreeSet<>()).add(outer(self) + " -> " + outer(ref));
            }
        }
        return deps;
    }

    private static String packageOf(String className) {
        return className.substring(0, Math.max(0, className.lastIndexOf('.')));
    }

    private static String outer(String className) {
        int dollar = className.indexOf('$');
        return dollar < 0 ? className : className.substring(0, dollar);
    }

    private static String className(byte[] bytes) throws IOException {
        ConstantPool cp = ConstantPool.read(bytes);
        return cp.utf8.get(cp.classNameIndex.get(cp.thisClass)).replace('/', '.');
    }

    /** Every dev.robustgate class named in the constant pool outside string literals, dotted. */
    static Set<String> referencedClasses(byte[] bytes) throws IOException {
        ConstantPool cp = ConstantPool.read(bytes);
        Set<String> refs = new TreeSet<>();
        cp.utf8.forEach((index, text) -> {
            if (cp.stringLiterals.contains(index)) return;
            Matcher m = REF.matcher(text);
            while (m.find()) refs.add(m.group().replace('/', '.'));
        });
        return refs;
    }

    /** The strongly connected components with more than one package (Tarjan), each sorted. */
    static List<List<String>> cycles(Map<String, Map<String, Set<String>>> deps) {
        Map<String, Integer> index = new HashMap<>(), low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new HashSet<>();
        List<List<String>> found = new ArrayList<>();
        int[] counter = {0};
        for (String v : deps.keySet()) {
            if (!index.containsKey(v)) connect(v, deps, index, low, stack, onStack, found, counter);
        }
        found.sort(java.util.Comparator.comparing(List::toString));
        return found;
    }

    private static void connect(String v, Map<String, Map<String, Set<String>>> deps, Map<String, Integer> index,
                                Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                List<List<String>> found, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]++);
        stack.push(v);
        onStack.add(v);
        for (String w : deps.getOrDefault(v, Map.of()).keySet()) {
            if (!index.containsKey(w)) {
                connect(w, deps, index, low, stack, onStack, found, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                found.add(component);
            }
        }
    }

    private static String describe(List<List<String>> cycles, Map<String, Map<String, Set<String>>> deps) {
        StringBuilder sb = new StringBuilder("package cycles:");
        for (List<String> cycle : cycles) {
            sb.append("\n ").append(cycle);
            for (String from : cycle) {
                for (String to : cycle) {
                    Set<String> why = deps.getOrDefault(from, Map.of()).get(to);
                    if (why != null) sb.append("\n   ").append(from).append(" -> ").append(to)
                            .append(" (").append(String.join(", ", why.stream().limit(3).toList())).append(")");
                }
            }
        }
        return sb.toString();
    }

    /** Just enough of the class-file format (JVMS 4.4) to find class names and their references. */
    private static final class ConstantPool {
        final Map<Integer, String> utf8 = new HashMap<>();
        final Map<Integer, Integer> classNameIndex = new HashMap<>();
        final Set<Integer> stringLiterals = new HashSet<>();
        int thisClass;

        static ConstantPool read(byte[] bytes) throws IOException {
            ConstantPool cp = new ConstantPool();
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            if (in.readInt() != 0xCAFEBABE) throw new IOException("not a class file");
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> cp.utf8.put(i, in.readUTF());
                    case 7 -> cp.classNameIndex.put(i, in.readUnsignedShort());
                    case 8 -> cp.stringLiterals.add(in.readUnsignedShort());
                    case 16, 19, 20 -> in.readUnsignedShort();          // MethodType, Module, Package
                    case 15 -> { in.readUnsignedByte(); in.readUnsignedShort(); }   // MethodHandle
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();   // Integer, Float, refs, NameAndType, dynamic
                    case 5, 6 -> { in.readLong(); i++; }               // Long, Double take two slots
                    default -> throw new IOException("unknown constant pool tag " + tag + " at " + i);
                }
            }
            in.readUnsignedShort();
            cp.thisClass = in.readUnsignedShort();
            return cp;
        }
    }
}
