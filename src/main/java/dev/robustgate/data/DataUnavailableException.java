package dev.robustgate.data;

import dev.robustgate.RobustGateException;

/** No source could provide a dataset; the message says where it looked and how to provision it. */
public class DataUnavailableException extends RobustGateException {
    public DataUnavailableException(String message) {
        super(message);
    }

    public DataUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
