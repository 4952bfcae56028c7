package dev.robustgate.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.robustgate.model.Classifier;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * Errors answer {"error": "..."} with 400 (bad input), 401 (API key), 413 (batch too large),
 * 429 (rate limit, with Retry-After) or 500.
 */
public final class PredictionServer implements AutoCloseable {
    public static final String API_KEY_HEADER = "X-Api-Key";
    static final ObjectMapper JSON = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Classifier model;
    private final Settings settings;
    private final RateLimiter limiter;
    private final HttpServer http;
    private final ExecutorService executor;
    private final AtomicLong queriesAnswered = new AtomicLong();
    private final AtomicLong requestsRefused = new AtomicLong();

    /** How the API is exposed; see the static factories and withers. */
    public record Settings(OutputPolicy policy, String apiKey, double rateCapacity, double ratePerSecond,
                           int maxBatch) {
        public Settings {
            if (policy == null) throw new IllegalArgumentException("output policy must not be null");
            if (maxBatch < 1) throw new IllegalArgumentException("max batch must be >= 1, got " + maxBatch);
            if (rateCapacity > 0) new RateLimiter(rateCapacity, ratePerSecond, System::nanoTime); // validates
        }

        /** Full probabilities, no key, no rate limit, batches of up to 1024. */
        public static Settings open() { return new Settings(OutputPolicy.full(), null, 0, 0, 1024); }

        public Settings withPolicy(OutputPolicy p) { return new Settings(p, apiKey, rateCapacity, ratePerSecond, maxBatch); }
        public Settings withApiKey(String k) { return new Settings(policy, k, rateCapacity, ratePerSecond, maxBatch); }
        /** At most {@code capacity} queries (samples) in a burst, refilled at {@code perSecond}. */
        public Settings withRateLimit(double capacity, double perSecond) {
            return new Settings(policy, apiKey, capacity, perSecond, maxBatch);
        }
        public Settings withMaxBatch(int n) { return new Settings(policy, apiKey, rateCapacity, ratePerSecond, n); }
    }

    record Info(String name, long[] sample_shape, int num_classes, String policy, boolean labels_only) {}

    record PredictRequest(float[][] inputs) {}

    record PredictResponse(double[][] probabilities, int[] labels) {}

    record ErrorResponse(String error) {}

    private PredictionServer(Classifier model, Settings settings) throws IOException {
        this.model = model;
        this.settings = settings;
        this.limiter = settings.rateCapacity() > 0
                ? new RateLimiter(settings.rateCapacity(), settings.ratePerSecond(), System::nanoTime) : null;
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        this.executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "robustgate-serve-" + model.name());
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(executor);
        http.createContext("/info", this::handleInfo);
        http.createContext("/predict", this::handlePredict);
    }

    /** Serves {@code model} on an ephemeral loopback port until {@link #close()}. */
    public static PredictionServer start(Classifier model, Settings settings) {
        try {
            PredictionServer s = new PredictionServer(model, settings);
            s.http.start();
            return s;
        } catch (IOException e) {
            throw new IllegalStateException("cannot open a loopback port for the prediction API: " + e.getMessage(), e);
        }
    }

    public URI uri() {
        InetSocketAddress a = http.getAddress();
        return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort() + "/");
    }

    public Settings settings() { return settings; }

    /** Samples answered with 200 so far. */
    public long queriesAnswered() { return queriesAnswered.get(); }

    /** Requests refused (401, 413, 429, 400). */
    public long requestsRefused() { return requestsRefused.get(); }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }

    private void handleInfo(HttpExchange ex) throws IOException {
        try (ex) {
            if (!authorised(ex)) return;
            send(ex, 200, new Info(model.name(), model.sampleShape(), model.numClasses(),
                    settings.policy().describe(), settings.policy().labelsOnly()));
        }
    }

    private void handlePredict(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("POST")) {
                refuse(ex, 405, "use POST /predict");
                return;
            }
            if (!authorised(ex)) return;
            PredictRequest req;
            try (InputStream in = ex.getRequestBody()) {
                req = JSON.readValue(in, PredictRequest.class);
            } catch (IOException e) {
                refuse(ex, 400, "malformed JSON request: " + firstLine(e.getMessage()));
                return;
            }
            float[][] rows = req == null ? null : req.inputs();
            if (rows == null || rows.length == 0) {
                refuse(ex, 400, "the request has no \"inputs\" (expected {\"inputs\": [[...], ...]})");
                return;
            }
            if (rows.length > settings.maxBatch()) {
                refuse(ex, 413, rows.length + " inputs in one request; at most " + settings.maxBatch());
                return;
            }
            String problem = checkInputs(rows);
            if (problem != null) {
                refuse(ex, 400, problem);
                return;
            }
            if (limiter != null) {
                double wait = limiter.tryAcquire(rows.length);
                if (wait > 0) {
                    ex.getResponseHeaders().set("Retry-After", Double.isInfinite(wait) ? "3600"
                            : String.valueOf((long) Math.ceil(wait)));
                    refuse(ex, 429, "rate limit exceeded: " + rows.length + " queries refused");
                    return;
                }
            }
            INDArray probs;
            try {
                probs = model.probabilities(toTensor(rows));
            } catch (RuntimeException e) {
                send(ex, 500, new ErrorResponse("model failed: " + e.getMessage()));
                return;
            }
            queriesAnswered.addAndGet(rows.length);
            send(ex, 200, reveal(probs));
        }
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

    private String checkInputs(float[][] rows) {
        long d = Arrays.stream(model.sampleShape()).reduce(1, (a, b) -> a * b);
        for (int i = 0; i < rows.length; i++) {
            if (rows[i] == null || rows[i].length != d) {
                return "input " + i + " has " + (rows[i] == null ? 0 : rows[i].length) + " values; " + model.name()
                        + " takes " + d + " (" + Arrays.toString(model.sampleShape()) + " flattened)";
            }
            for (int j = 0; j < rows[i].length; j++) {
                float v = rows[i][j];
                if (!Float.isFinite(v)) {
                    return "input " + i + " value " + j + " is " + v + "; values must be finite";
                }
            }
        }
        return null;
    }

    private INDArray toTensor(float[][] rows) {
        long[] shape = model.sampleShape();
        long[] full = new long[shape.length + 1];
        full[0] = rows.length;
        System.arraycopy(shape, 0, full, 1, shape.length);
        return Nd4j.create(rows).castTo(DataType.FLOAT).reshape(full);
    }

    private boolean authorised(HttpExchange ex) throws IOException {
        if (settings.apiKey() == null) return true;
        String given = ex.getRequestHeaders().getFirst(API_KEY_HEADER);
        // Constant-time comparison: a served model should not leak its key through timing.
        if (given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                settings.apiKey().getBytes(StandardCharsets.UTF_8))) {
            return true;
        }
        refuse(ex, 401, given == null ? "missing " + API_KEY_HEADER + " header" : "wrong API key");
        return false;
    }

    private void refuse(HttpExchange ex, int status, String message) throws IOException {
        requestsRefused.incrementAndGet();
        send(ex, status, new ErrorResponse(message));
    }

    private static void send(HttpExchange ex, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s at %s (%s)", model.name(), uri(), settings.policy().describe());
    }
}
