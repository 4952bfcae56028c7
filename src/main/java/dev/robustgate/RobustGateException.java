package dev.robustgate;

/** A fault in data, a model or the fixture cache: something outside the caller's arguments. */
public class RobustGateException extends RuntimeException {
    public RobustGateException(String message) {
        super(message);
    }

    public RobustGateException(String message, Throwable cause) {
        super(message, cause);
    }
}
