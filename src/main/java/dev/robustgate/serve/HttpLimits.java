package dev.robustgate.serve;

import java.time.Duration;

/**
 * What one client may cost the prediction API, enforced by {@link HttpEndpoint}.
 *
 * @param requestDeadline  time from a request's first byte (or from the end of the previous answer on a
 *                         kept-alive connection) until its headers and body must be complete; a client that
 *                         is slower is answered 408 and disconnected. Writing the answer has the same allowance.
 * @param maxHeaderBytes   request line and headers together; more is answered 431
 * @param maxBodyBytes     a body whose Content-Length exceeds this is answered 413 before any of it is read
 * @param workers          threads that run the model; requests never occupy a worker while they are read
 * @param maxQueued        complete requests waiting for a worker; beyond that, 503 with Retry-After
 * @param maxConnections   open connections; beyond that, new ones are closed at once
 * @param maxBufferedBytes request bodies held in memory at once over all connections (reserved from the
 *                         Content-Length when the headers arrive); a request that does not fit is answered 503
 */
public record HttpLimits(Duration requestDeadline, int maxHeaderBytes, long maxBodyBytes, int workers, int maxQueued,
                         int maxConnections, long maxBufferedBytes) {
    public HttpLimits {
        if (requestDeadline == null || requestDeadline.isNegative() || requestDeadline.isZero()) {
            throw new IllegalArgumentException("request deadline must be > 0, got " + requestDeadline);
        }
        requireAtLeast("max header bytes", maxHeaderBytes, 256);
        requireAtLeast("max body bytes", maxBodyBytes, 16);
        requireAtLeast("workers", workers, 1);
        requireAtLeast("max queued requests", maxQueued, 1);
        requireAtLeast("max connections", maxConnections, 1);
        requireAtLeast("max buffered bytes", maxBufferedBytes, maxBodyBytes);
    }

    private static void requireAtLeast(String what, long value, long min) {
        if (value < min) throw new IllegalArgumentException(what + " must be >= " + min + ", got " + value);
    }

    /**
     * Defaults sized from this machine: one worker per core (the model's native ops use the cores; more
     * threads only queue inside them), a 10 s deadline (a 20 MB body on loopback takes well under 1 s),
     * 16 MiB bodies (1024 MNIST rows of 784 values at ~20 characters each), 1024 queued requests, 4096
     * connections, and at most a quarter of the heap (at most 1 GiB) held in request bodies.
     */
    public static HttpLimits forThisMachine() {
        int cores = Runtime.getRuntime().availableProcessors();
        long maxBody = 16L << 20;
        long buffered = Math.max(maxBody, Math.min(1L << 30, Runtime.getRuntime().maxMemory() / 4));
        return new HttpLimits(Duration.ofSeconds(10), 16 << 10, maxBody, Math.max(1, cores), 1024, 4096, buffered);
    }

    public HttpLimits withRequestDeadline(Duration d) {
        return new HttpLimits(d, maxHeaderBytes, maxBodyBytes, workers, maxQueued, maxConnections, maxBufferedBytes);
    }

    public HttpLimits withMaxBodyBytes(long n) {
        return new HttpLimits(requestDeadline, maxHeaderBytes, n, workers, maxQueued, maxConnections,
                Math.max(n, maxBufferedBytes));
    }

    public HttpLimits withWorkers(int n) {
        return new HttpLimits(requestDeadline, maxHeaderBytes, maxBodyBytes, n, maxQueued, maxConnections, maxBufferedBytes);
    }

    public HttpLimits withMaxQueued(int n) {
        return new HttpLimits(requestDeadline, maxHeaderBytes, maxBodyBytes, workers, n, maxConnections, maxBufferedBytes);
    }

    public HttpLimits withMaxConnections(int n) {
        return new HttpLimits(requestDeadline, maxHeaderBytes, maxBodyBytes, workers, maxQueued, n, maxBufferedBytes);
    }
}
