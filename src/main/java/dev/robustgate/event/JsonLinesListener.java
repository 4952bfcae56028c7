package dev.robustgate.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Appends every event as one JSON object per line:
 * {@code {"ts":"2025-01-01T12:00:00.123Z","type":"BatchDone","attack":"pgd","done":100,...}} — the record
 * components in declaration order after {@code ts} (ISO-8601 instant) and {@code type} (simple class name).
 * {@code double[]} becomes an array, NaN and infinities become {@code null} (JSON has neither), a
 * {@link Path} becomes its string.
 *
 * <p>Thread-safe; each line is written with a single {@code write} to a file opened in append mode and
 * flushed at once, so a crash keeps every line written so far and concurrent writers never interleave
 * within a line. A write failure is reported once on stderr and disables the listener; it never reaches the
 * publisher. Closing stops writing; later events are ignored.
 */
public final class JsonLinesListener implements EventListener, AutoCloseable {

    /** File name used by {@link Listeners#installDefaults(Path)} inside the results directory. */
    public static final String DEFAULT_FILE_NAME = "robustgate-events.jsonl";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Path file;
    private final Clock clock;
    private OutputStream stream;
    private boolean failed;

    /** Opens (creating parent directories and the file) {@code file} for appending. */
    public JsonLinesListener(Path file) {
        this(file, Clock.systemUTC());
    }

    public JsonLinesListener(Path file, Clock clock) {
        this.file = Objects.requireNonNull(file, "file").toAbsolutePath();
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            Path parent = this.file.getParent();
            if (parent != null) Files.createDirectories(parent);
            this.stream = Files.newOutputStream(this.file, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open event log " + this.file, e);
        }
    }

    public Path file() {
        return file;
    }

    @Override public void onTrainingStarted(TrainingStarted e) { write(e); }
    @Override public void onTrainingBatch(TrainingBatch e) { write(e); }
    @Override public void onTrainingEpoch(TrainingEpoch e) { write(e); }
    @Override public void onTrainingFinished(TrainingFinished e) { write(e); }
    @Override public void onDefenseEpoch(DefenseEpoch e) { write(e); }
    @Override public void onCacheHit(CacheHit e) { write(e); }
    @Override public void onCacheMiss(CacheMiss e) { write(e); }
    @Override public void onAttackStarted(AttackStarted e) { write(e); }
    @Override public void onAttackStep(AttackStep e) { write(e); }
    @Override public void onBatchDone(BatchDone e) { write(e); }
    @Override public void onAttackFinished(AttackFinished e) { write(e); }
    @Override public void onGateChecked(GateChecked e) { write(e); }
    @Override public void onQuery(Query e) { write(e); }

    /** Writes {@code event} as one line; usable for any {@link Event}, record or not. */
    public void write(Event event) {
        if (event == null) return;
        synchronized (this) { // serializing under the lock keeps "ts" in file order
            if (stream == null) return;
            byte[] line;
            try {
                line = (MAPPER.writeValueAsString(toJson(event, clock)) + "\n").getBytes(StandardCharsets.UTF_8);
            } catch (JsonProcessingException | RuntimeException e) {
                warn("cannot serialize " + event.getClass().getSimpleName() + ": " + e);
                return;
            }
            try {
                stream.write(line);
                stream.flush();
            } catch (IOException e) {
                warn("cannot write event log " + file + ", disabling it: " + e);
                closeQuietly();
            }
        }
    }

    /** The JSON object written for {@code event}, with {@code ts} from {@code clock}. */
    public static ObjectNode toJson(Event event, Clock clock) {
        ObjectNode node = NODES.objectNode();
        node.put("ts", clock.instant().toString());
        node.put("type", event.getClass().getSimpleName());
        if (event.getClass().isRecord()) {
            putComponents(node, event);
        } else {
            JsonNode bean = MAPPER.valueToTree(event);
            if (bean != null && bean.isObject()) {
                Iterator<Map.Entry<String, JsonNode>> it = bean.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> f = it.next();
                    if (!node.has(f.getKey())) node.set(f.getKey(), finite(f.getValue()));
                }
            }
        }
        return node;
    }

    private static void putComponents(ObjectNode node, Object record) {
        for (RecordComponent c : record.getClass().getRecordComponents()) {
            if (c.getName().equals("ts") || c.getName().equals("type")) continue;
            Object value;
            try {
                var accessor = c.getAccessor();
                if (!accessor.canAccess(record)) accessor.setAccessible(true);
                value = accessor.invoke(record);
            } catch (ReflectiveOperationException | RuntimeException e) {
                value = null;
            }
            node.set(c.getName(), toNode(value));
        }
    }

    private static JsonNode toNode(Object v) {
        if (v == null) return NODES.nullNode();
        if (v instanceof Double d) return Double.isFinite(d) ? NODES.numberNode(d) : NODES.nullNode();
        if (v instanceof Float f) return Float.isFinite(f) ? NODES.numberNode(f) : NODES.nullNode();
        if (v instanceof Integer i) return NODES.numberNode(i);
        if (v instanceof Long l) return NODES.numberNode(l);
        if (v instanceof Short s) return NODES.numberNode(s);
        if (v instanceof Byte b) return NODES.numberNode(b);
        if (v instanceof Boolean b) return NODES.booleanNode(b);
        if (v instanceof CharSequence || v instanceof Character) return NODES.textNode(v.toString());
        if (v instanceof Path p) return NODES.textNode(p.toString());
        if (v instanceof Enum<?> e) return NODES.textNode(e.name());
        if (v instanceof TemporalAccessor || v instanceof java.time.Duration) return NODES.textNode(v.toString());
        if (v.getClass().isArray()) {
            ArrayNode a = NODES.arrayNode();
            int n = Array.getLength(v);
            for (int i = 0; i < n; i++) a.add(toNode(Array.get(v, i)));
            return a;
        }
        if (v instanceof Collection<?> c) {
            ArrayNode a = NODES.arrayNode();
            for (Object o : c) a.add(toNode(o));
            return a;
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = NODES.objectNode();
            m.forEach((k, val) -> o.set(String.valueOf(k), toNode(val)));
            return o;
        }
        if (v.getClass().isRecord()) {
            ObjectNode o = NODES.objectNode();
            putComponents(o, v);
            return o;
        }
        try {
            return finite(MAPPER.valueToTree(v));
        } catch (RuntimeException e) {
            return NODES.textNode(v.toString());
        }
    }

    /** Replaces non-finite numbers anywhere in {@code n} with null. */
    private static JsonNode finite(JsonNode n) {
        if (n == null) return NODES.nullNode();
        if (n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue())) return NODES.nullNode();
        if (n.isArray()) {
            ArrayNode a = NODES.arrayNode();
            n.forEach(x -> a.add(finite(x)));
            return a;
        }
        if (n.isObject()) {
            ObjectNode o = NODES.objectNode();
            n.fields().forEachRemaining(f -> o.set(f.getKey(), finite(f.getValue())));
            return o;
        }
        return n;
    }

    /**
     * Reads a file written by this listener: one map per line, fields in file order. Blank lines are skipped,
     * and so is a last line cut short by a crash (no trailing newline, not valid JSON); any other bad line
     * throws.
     */
    public static List<Map<String, Object>> read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read event log " + file, e);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        TypeReference<java.util.LinkedHashMap<String, Object>> type = new TypeReference<>() {};
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty()) continue;
            try {
                out.add(MAPPER.readValue(line, type));
            } catch (JsonProcessingException e) {
                boolean truncatedTail = i == lines.length - 1;
                if (truncatedTail) break;
                throw new UncheckedIOException("bad line " + (i + 1) + " in " + file + ": " + e.getOriginalMessage(), e);
            }
        }
        return out;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }

    public synchronized boolean isOpen() {
        return stream != null;
    }

    private void closeQuietly() {
        OutputStream s = stream;
        stream = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // the lines were flushed already
            }
        }
    }

    private synchronized void warn(String message) {
        if (failed) return;
        failed = true;
        System.err.println("[robustgate] " + message);
    }
}
