package dev.robustgate.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Output files of the commands, checked before any work so that a long run is never lost at its end. */
final class OutputFiles {
    private OutputFiles() {
    }

    /** {@code file} as an absolute path whose directory exists and is writable; {@code option} names it in errors. */
    static Path writable(String option, Path file) {
        Path abs = file.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException(option + " " + file + " is a directory; name a file");
        }
        Path parent = abs.getParent();
        try {
            Files.createDirectories(parent);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException(option + " " + file + ": cannot create its directory " + parent + " (" + e + ")");
        }
        if (!Files.isWritable(parent)) {
            throw new IllegalArgumentException(option + " " + file + ": directory " + parent + " is not writable");
        }
        return abs;
    }
}
