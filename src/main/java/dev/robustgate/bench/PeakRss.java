package dev.robustgate.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * This process's peak resident set size, VmHWM of /proc/self/status (Linux): the JVM heap, ND4J's
 * off-heap buffers and the native libraries together, which is what a CI runner's memory limit
 * sees. {@link #reset()} sets the peak back to the current RSS (writing 5 to /proc/self/clear_refs,
 * Linux 4.0 and later), so that a peak can be measured per benchmark case. Off Linux both are
 * unavailable and reported as such, never as 0.
 */
public final class PeakRss {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");
    private static final Pattern VM_HWM = Pattern.compile("(?m)^VmHWM:\\s*(\\d+)\\s*kB\\s*$");
    /** What {@link #format} says when there is no number. */
    public static final String NOT_AVAILABLE = "n/a (no VmHWM in /proc/self/status: not Linux)";

    private PeakRss() {}

    /** The peak RSS in bytes, or empty where /proc/self/status has no VmHWM. */
    public static OptionalLong bytes() {
        try {
            return parse(Files.readString(STATUS, StandardCharsets.UTF_8));
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return OptionalLong.empty();
        }
    }

    /** VmHWM of a /proc/PID/status text, in bytes (the kernel states it in kB = 1024 bytes). */
    static OptionalLong parse(String status) {
        Matcher m = VM_HWM.matcher(status);
        return m.find() ? OptionalLong.of(Long.parseLong(m.group(1)) * 1024) : OptionalLong.empty();
    }

    /** Sets the peak back to the current RSS; false where that is not possible (then the peak is the process's so far). */
    public static boolean reset() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** "1.23 GB" / "456 MB" (decimal units, as the notes' tables), or {@link #NOT_AVAILABLE} for null. */
    public static String format(Long bytes) {
        if (bytes == null) return NOT_AVAILABLE;
        if (bytes < 0) throw new IllegalArgumentException("a negative RSS: " + bytes);
        if (bytes >= 1_000_000_000L) return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
        return String.format(Locale.ROOT, "%.0f MB", bytes / 1e6);
    }

    /** {@link #bytes()} as a nullable value, for records and JSON. */
    public static Long bytesOrNull() {
        OptionalLong b = bytes();
        return b.isPresent() ? b.getAsLong() : null;
    }
}
