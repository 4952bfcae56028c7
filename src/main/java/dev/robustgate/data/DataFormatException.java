package dev.robustgate.data;

import dev.robustgate.RobustGateException;

import java.nio.file.Path;

/** A data file that is truncated, corrupt or not what it claims to be; the message names the file. */
public class DataFormatException extends RobustGateException {
    private final Path file;

    public DataFormatException(Path file, String problem) {
        super(file + ": " + problem);
        this.file = file;
    }

    public DataFormatException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
