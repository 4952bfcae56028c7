package dev.robustgate.baseline;

import dev.robustgate.RobustGateException;

/** The baseline file cannot be read or written, or does not hold what a baseline file must. */
public class BaselineFileException extends RobustGateException {
    public BaselineFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
