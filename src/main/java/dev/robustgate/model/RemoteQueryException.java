package dev.robustgate.model;

import dev.robustgate.RobustGateException;

import java.net.URI;

/** A prediction API did not give a usable answer: refused, failed after every retry, or answered nonsense. */
public final class RemoteQueryException extends RobustGateException {
    private final URI endpoint;

    public RemoteQueryException(URI endpoint, String problem) {
        super(endpoint + ": " + problem);
        this.endpoint = endpoint;
    }

    public RemoteQueryException(URI endpoint, String problem, Throwable cause) {
        super(endpoint + ": " + problem, cause);
        this.endpoint = endpoint;
    }

    public URI endpoint() { return endpoint; }
}
