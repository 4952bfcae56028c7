package dev.robustgate.baseline;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.robustgate.AtomicFiles;
import dev.robustgate.metric.Proportion;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The versioned file of accepted gate values, {@code robustness-specs/baselines.json} by default:
 * one entry per gate id, sorted, indented, so that a change reviews as a readable diff. A missing
 * file holds no entries (every gate is new); a file that does not parse, or whose entries do not
 * add up, is a {@link BaselineFileException} naming the file, never an empty baseline.
 *
 * <p>Updates are explicit ({@value #UPDATE_PROPERTY}{@code =true}, or {@code ./robustgate baseline --update}):
 * each accepted entry is merged into the file as it is on disk at that moment, under a file lock,
 * and written atomically, so concurrent runs lose no entry and readers never see half a file. Within
 * one JVM, every instance for the same file first takes a monitor shared by canonical path: a JVM may
 * hold a file's lock only once, so two instances locking the same file at once would otherwise fail
 * with {@link java.nio.channels.OverlappingFileLockException}.
 */
public final class Baselines {
    public static final String FILE_PROPERTY = "robustgate.baseline.file";
    public static final String UPDATE_PROPERTY = "robustgate.baseline.update";
    public static final int FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    @JsonPropertyOrder({"format", "test", "gates"})
    record FileContent(int format, String test, TreeMap<String, BaselineEntry> gates) {}

    /** One monitor per canonical baseline file, shared by every instance in this JVM. */
    private static final java.util.concurrent.ConcurrentMap<Path, Object> IN_JVM_LOCKS = new java.util.concurrent.ConcurrentHashMap<>();

    private final Path file;
    private final Clock clock;

    public Baselines(Path file, Clock clock) {
        this.file = file.toAbsolutePath().normalize();
        this.clock = clock;
    }

    /**
     * The project's file: {@value #FILE_PROPERTY} (relative to the project directory), else
     * robustness-specs/baselines.json when the project has a robustness-specs/ folder (RobustGate's
     * own layout), else {@value #CONSUMER_DEFAULT} (a Maven project's usual place for test data).
     */
    public static Baselines standard() {
        Path project = Paths.get(System.getProperty("robustgate.project.dir", "."));
        String f = System.getProperty(FILE_PROPERTY);
        Path p;
        if (f != null && !f.isBlank()) p = project.resolve(f);
        else if (Files.isDirectory(project.resolve("robustness-specs"))) p = project.resolve("robustness-specs").resolve("baselines.json");
        else p = project.resolve(CONSUMER_DEFAULT);
        return new Baselines(p, Clock.systemUTC());
    }

    /** Where a project without robustness-specs/ keeps its baselines by default. */
    public static final String CONSUMER_DEFAULT = "src/test/resources/robustgate/baselines.json";

    /** Whether this run accepts its measurements as the new baselines. */
    public static boolean updateRequested() {
        return Boolean.parseBoolean(System.getProperty(UPDATE_PROPERTY, "false"));
    }

    public Path file() {
        return file;
    }

    public Optional<BaselineEntry> get(String id) {
        return Optional.ofNullable(read().get(id));
    }

    /** Every entry by gate id, sorted. */
    public Map<String, BaselineEntry> entries() {
        return read();
    }

    /**
     * Records {@code measured} as gate {@code id}'s baseline and returns the diff line, e.g.
     * {@code "~ pgd-at/robust-accuracy: 0.612 [...] n=1000 (seed 7) -> 0.640 [...] n=1000 (seed 7)"}.
     */
    public String accept(String id, Proportion measured, Better better, long seed) {
        synchronized (inJvmLock()) {
            return acceptUnderFileLock(id, measured, better, seed);
        }
    }

    /** The monitor of this file in this JVM, keyed by the path with its directory's links resolved. */
    private Object inJvmLock() {
        Path canonical = file;
        try {
            Files.createDirectories(file.getParent());
            canonical = file.getParent().toRealPath().resolve(file.getFileName());
        } catch (IOException e) {
            // the directory cannot be made: the write below fails with the reason; any key serves until then
        }
        return IN_JVM_LOCKS.computeIfAbsent(canonical, p -> new Object());
    }

    private String acceptUnderFileLock(String id, Proportion measured, Better better, long seed) {
        requireId(id);
        BaselineEntry next = BaselineEntry.of(measured, better, seed, clock.instant());
        Path lock = file.resolveSibling(file.getFileName() + ".lock");
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = ch.lock()) {
                TreeMap<String, BaselineEntry> all = read();
                BaselineEntry before = all.put(id, next);
                byte[] bytes = (JSON.writeValueAsString(new FileContent(FORMAT, testDescription(), all)) + "\n")
                        .getBytes(StandardCharsets.UTF_8);
                AtomicFiles.write(file, out -> out.write(bytes));
                return before == null ? "+ " + id + ": " + next.brief() + " (new)"
                        : "~ " + id + ": " + before.brief() + " -> " + next.brief();
            }
        } catch (IOException e) {
            throw new BaselineFileException("cannot update baseline file " + file + ": " + e.getMessage(), e);
        }
    }

    static String testDescription() {
        return "one-sided Fisher exact test of two proportions; a gate regresses when p < "
                + BaselineComparison.DEFAULT_SIGNIFICANCE + " (99% confidence)";
    }

    private TreeMap<String, BaselineEntry> read() {
        if (!Files.exists(file)) return new TreeMap<>();
        FileContent c;
        try {
            c = JSON.readValue(file.toFile(), FileContent.class);
        } catch (JsonProcessingException e) {
            throw new BaselineFileException("corrupt baseline file " + file + ": " + e.getOriginalMessage()
                    + " (line " + (e.getLocation() == null ? "?" : e.getLocation().getLineNr())
                    + "); fix it or restore it from version control", e);
        } catch (IOException e) {
            throw new BaselineFileException("cannot read baseline file " + file + ": " + e.getMessage(), e);
        }
        if (c == null || c.gates() == null) {
            throw new BaselineFileException("corrupt baseline file " + file + ": no \"gates\" object", null);
        }
        if (c.format() != FORMAT) {
            throw new BaselineFileException("baseline file " + file + " has format " + c.format() + "; this RobustGate reads format "
                    + FORMAT, null);
        }
        for (var e : c.gates().entrySet()) {
            try {
                e.getValue().validate("gate '" + e.getKey() + "'");
            } catch (IllegalArgumentException bad) {
                throw new BaselineFileException("corrupt baseline file " + file + ": " + bad.getMessage(), bad);
            }
        }
        return c.gates();
    }

    private static void requireId(String id) {
        if (id == null || id.isBlank()) throw new IllegalArgumentException("a baseline gate id must not be blank");
    }
}
