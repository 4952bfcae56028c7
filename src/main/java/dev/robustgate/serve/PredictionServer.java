package dev.robustgate.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.robustgate.model.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A prediction API on loopback serving one classifier, the way a team would put a model behind
 * HTTP: JSON in, JSON out, an optional API key, a rate limit and an {@link OutputPolicy}.
 *
 * <pre>
 * GET  /info     -> {"name","sample_shape":[1,28,28],"num_classes":10,"policy":"full","labels_only":false}
 * POST /predict  {"inputs":[[784 floats in [0,1]], ...]}
 *                -> {"probabilities":[[10 doubles], ...]}   or, under top1, {"labels":[3, ...]}
 * </pre>
 * Inputs are checked before any model work: each row must have the model's sample length and finite
 * values in [0, 1]. Errors answer {"error": "..."} with 400 (bad input), 401 (API key), 404, 405,
 * 408 (request not complete within its deadline), 411 (no Content-Length), 413 (body or batch too
 * large; a body is refused from its Content-Length, unread), 429 (rate limit, with Retry-After),
 * 431 (headers too large), 503 (queue or memory full, with Retry-After) or 500. A 500 says only
 * "internal error" and a reference number; the detail goes to the server log. The HTTP layer and its
 * limits are {@link HttpEndpoint} and {@link HttpLimits}.
 */
public final class PredictionServer implements AutoCloseable {
    public static final String API_KEY_HEADER = "X-Api-Key";
    private static final Logger LOG = LoggerFactory.getLogger(PredictionServer.class);
    static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Classifier model;
    private final Settings settings;
    private final RateLimiter limiter;
    private final HttpEndpoint http;
    private final int rowLength;
    private final AtomicLong queriesAnswered = new AtomicLong();
    private final AtomicLong requestsRefused = new AtomicLong();

    /** How the API is exposed; see the static factories and withers. */
    public record Settings(OutputPolicy policy, String apiKey, double rateCapacity, double ratePerSecond,
                           int maxBatch, HttpLimits limits) {
        public Settings {
            if (policy == null) throw new IllegalArgumentException("output policy must not be null");
            if (maxBatch < 1) throw new IllegalArgumentException("max batch must be >= 1, got " + maxBatch);
            if (limits == null) throw new IllegalArgumentException("HTTP limits must not be null");
            if (rateCapacity > 0) new RateLimiter(rateCapacity, ratePerSecond, System::nanoTime); // validates
        }

        /** Full probabilities, no key, no rate limit, batches of up to 1024, limits sized from this machine. */
        public static Settings open() {
            return new Settings(OutputPolicy.full(), null, 0, 0, 1024, HttpLimits.forThisMachine());
        }

        public Settings withPolicy(OutputPolicy p) { return new Settings(p, apiKey, rateCapacity, ratePerSecond, maxBatch, limits); }
        public Settings withApiKey(String k) { return new Settings(policy, k, rateCapacity, ratePerSecond, maxBatch, limits); }
        /** At most {@code capacity} queries (samples) in a burst, refilled at {@code perSecond}. */
        public Settings withRateLimit(double capacity, double perSecond) {
            return new Settings(policy, apiKey, capacity, perSecond, maxBatch, limits);
        }
        public Settings withMaxBatch(int n) { return new Settings(policy, apiKey, rateCapacity, ratePerSecond, n, limits); }
        public Settings withLimits(HttpLimits l) { return new Settings(policy, apiKey, rateCapacity, ratePerSecond, maxBatch, l); }
    }

    record Info(String name, long[] sample_shape, int num_classes, String policy, boolean labels_only) {}

    record PredictResponse(double[][] probabilities, int[] labels) {}

    record ErrorResponse(String error) {}

    private PredictionServer(Classifier model, Settings settings, InetSocketAddress bind) throws IOException {
        this.model = model;
        this.settings = settings;
        this.limiter = settings.rateCapacity() > 0
                ? new RateLimiter(settings.rateCapacity(), settings.ratePerSecond(), System::nanoTime) : null;
        long d = Arrays.stream(model.sampleShape()).reduce(1, (a, b) -> a * b);
        if (d > Integer.MAX_VALUE / 4) throw new IllegalArgumentException(model.name() + ": " + d + " values per sample is too many to serve");
        this.rowLength = (int) d;
        this.http = new HttpEndpoint(bind, settings.limits(), new HttpEndpoint.Handler() {
            @Override public HttpEndpoint.Response handle(HttpEndpoint.Request r) throws Exception {
                return route(r);
            }
            @Override public byte[] errorBody(String message) {
                return errorJson(message);
            }
        }, model.name());
    }

    /** Serves {@code model} on an ephemeral loopback port until {@link #close()}. */
    public static PredictionServer start(Classifier model, Settings settings) {
        return start(model, settings, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /** Serves {@code model} on {@code bind} (port 0: an ephemeral one) until {@link #close()}. */
    public static PredictionServer start(Classifier model, Settings settings, InetSocketAddress bind) {
        try {
            return new PredictionServer(model, settings, bind);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open " + bind + " for the prediction API: " + e.getMessage(), e);
        }
    }

    public URI uri() {
        InetSocketAddress a = http.address();
        String host = a.getAddress().isAnyLocalAddress() ? InetAddress.getLoopbackAddress().getHostAddress()
                : a.getAddress().getHostAddress();
        if (host.contains(":")) host = "[" + host + "]";
        return URI.create("http://" + host + ":" + a.getPort() + "/");
    }

    public Settings settings() { return settings; }

    /** Samples answered with 200 so far. */
    public long queriesAnswered() { return queriesAnswered.get(); }

    /** Requests refused by the API (401, 404, 405, 413, 429, 400 on bad input). */
    public long requestsRefused() { return requestsRefused.get(); }

    /** Requests the HTTP layer refused or cut off (deadline, size, busy, malformed, internal errors). */
    public TransportCounts transportCounts() { return http.counts(); }

    @Override
    public void close() {
        http.close();
    }

    private HttpEndpoint.Response route(HttpEndpoint.Request r) throws IOException {
        String path = r.path();
        if (path.equals("/info")) {
            if (!r.method().equals("GET")) return refuse(405, "use GET /info");
            HttpEndpoint.Response denied = authorise(r);
            return denied != null ? denied : HttpEndpoint.Response.json(200, JSON.writeValueAsBytes(new Info(model.name(),
                    model.sampleShape(), model.numClasses(), settings.policy().describe(), settings.policy().labelsOnly())));
        }
        if (path.equals("/predict")) {
            if (!r.method().equals("POST")) return refuse(405, "use POST /predict");
            HttpEndpoint.Response denied = authorise(r);
            return denied != null ? denied : predict(r.body());
        }
        return refuse(404, "no such endpoint; use GET /info or POST /predict");
    }

    private HttpEndpoint.Response predict(byte[] body) throws IOException {
        float[][] rows;
        try {
            rows = PredictRequestReader.read(body, settings.maxBatch(), rowLength);
        } catch (PredictRequestReader.Refusal e) {
            return refuse(e.status, e.getMessage());
        }
        if (limiter != null) {
            double wait = limiter.tryAcquire(rows.length);
            if (wait > 0) {
                requestsRefused.incrementAndGet();
                return new HttpEndpoint.Response(429, errorJson("rate limit exceeded: " + rows.length + " queries refused"),
                        Map.of("Retry-After", Double.isInfinite(wait) ? "3600" : String.valueOf((long) Math.ceil(wait))));
            }
        }
        INDArray probs = model.probabilities(toTensor(rows));   // a failure here is a generic 500, logged
        PredictResponse answer = reveal(probs);
        queriesAnswered.addAndGet(rows.length);
        return HttpEndpoint.Response.json(200, JSON.writeValueAsBytes(answer));
    }

    private PredictResponse reveal(INDArray probs) {
        OutputPolicy policy = settings.policy();
        int n = (int) probs.size(0);
        double[][] revealed = new double[n][];
        for (int i = 0; i < n; i++) {
            revealed[i] = policy.reveal(probs.getRow(i, true).toDoubleVector());
        }
        if (!policy.labelsOnly()) return new PredictResponse(revealed, null);
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            for (int k = 1; k < revealed[i].length; k++) if (revealed[i][k] > revealed[i][labels[i]]) labels[i] = k;
        }
        return new PredictResponse(null, labels);
    }

    private INDArray toTensor(float[][] rows) {
        long[] shape = model.sampleShape();
        long[] full = new long[shape.length + 1];
        full[0] = rows.length;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return Nd4j.create(rows).castTo(DataType.FLOAT).reshape(full);
    }

    /** Null when the request may proceed, else the 401 to send. */
    private HttpEndpoint.Response authorise(HttpEndpoint.Request r) {
        if (settings.apiKey() == null) return null;
        String given = r.header(API_KEY_HEADER);
        // Constant-time comparison: a served model should not leak its key through timing.
        if (given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                settings.apiKey().getBytes(StandardCharsets.UTF_8))) {
            return null;
        }
        return refuse(401, given == null ? "missing " + API_KEY_HEADER + " header" : "wrong API key");
    }

    private HttpEndpoint.Response refuse(int status, String message) {
        requestsRefused.incrementAndGet();
        LOG.debug("prediction API refused a request with {}: {}", status, message);
        return HttpEndpoint.Response.json(status, errorJson(message));
    }

    private static byte[] errorJson(String message) {
        try {
            return JSON.writeValueAsBytes(new ErrorResponse(message));
        } catch (IOException e) {
            return "{\"error\":\"error\"}".getBytes(StandardCharsets.UTF_8);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s at %s (%s)", model.name(), uri(), settings.policy().describe());
    }
}
