package dev.robustgate.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.robustgate.event.EventBus;
import dev.robustgate.event.Query;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A black box behind a prediction API (see {@code dev.robustgate.serve.PredictionServer} for the
 * protocol): every query goes over HTTP, is charged to a {@link QueryBudget}, counted in
 * {@link #counter()} and published as a {@link Query} event, retried or not.
 *
 * <p>Each attempt has one deadline over the whole exchange (connect, headers, body) and reads at
 * most a bounded answer. Answers are checked: probabilities finite, in [0,1], each row summing to 1
 * within a tolerance; labels integers in [0, classes). Retries: a timeout, a connection failure, a
 * 5xx, a 429 or an unusable answer (malformed JSON, wrong shape, values outside [0,1], rows off the
 * simplex, an oversize body) is retried up to {@code maxAttempts} times with exponential
 * backoff (a 429's Retry-After is honoured up to the backoff cap). Any other 4xx fails at once: the
 * request itself is wrong, so repeating it cannot help. Each attempt spends its queries from the
 * budget before it is sent; a request the budget cannot pay for is not sent.
 *
 * <p>Under a top-1 policy the server sends labels only; {@link #probabilities} then returns one-hot
 * rows and {@link #labelsOnly()} says so.
 */
public final class RemoteClassifier implements Classifier {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI base;
    private final String apiKey;
    private final Duration timeout;
    private final int maxAttempts;
    private final Duration backoff;
    private final Duration maxBackoff;
    private final int maxBatch;
    private final long maxAnswerBytes;
    private final double sumTolerance;
    private final QueryBudget budget;
    private final HttpClient http;
    private final EvaluationCounter counter = new EvaluationCounter();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();

    private final String name;
    private final long[] sampleShape;
    private final int numClasses;
    private final String policy;
    private final boolean labelsOnly;

    private RemoteClassifier(Builder b) {
        this.base = b.base;
        this.apiKey = b.apiKey;
        this.timeout = b.timeout;
        this.maxAttempts = b.maxAttempts;
        this.backoff = b.backoff;
        this.maxBackoff = b.maxBackoff;
        this.maxBatch = b.maxBatch;
        this.budget = b.budget;
        this.http = HttpClient.newBuilder().connectTimeout(b.timeout).version(HttpClient.Version.HTTP_1_1).build();
        JsonNode info = fetchInfo();
        this.name = info.path("name").asText("remote");
        JsonNode shape = info.path("sample_shape");
        JsonNode classes = info.path("num_classes");
        if (!shape.isArray() || shape.isEmpty() || shape.size() > 8 || !classes.isIntegralNumber()) {
            throw new RemoteQueryException(base, "/info answered without sample_shape and num_classes: " + brief(info.toString()));
        }
        this.sampleShape = new long[shape.size()];
        for (int i = 0; i < shape.size(); i++) {
            JsonNode d = shape.get(i);
            if (!d.isIntegralNumber() || d.asLong() < 1 || d.asLong() > 1 << 20) {
                throw new RemoteQueryException(base, "/info has sample_shape " + brief(shape.toString()) + "; need positive integers");
            }
            sampleShape[i] = d.asLong();
        }
        this.numClasses = classes.asInt();
        if (numClasses < 2 || numClasses > MAX_CLASSES) {
            throw new RemoteQueryException(base, "/info says " + classes + " classes; need 2 to " + MAX_CLASSES);
        }
        this.policy = info.path("policy").asText("unknown");
        this.labelsOnly = info.path("labels_only").asBoolean(false);
        // ~25 characters per probability as JSON writes a double, plus the framing; 4x for slack.
        this.maxAnswerBytes = b.maxAnswerBytes > 0 ? b.maxAnswerBytes : 4096 + 100L * maxBatch * numClasses;
        this.sumTolerance = b.sumTolerance > 0 ? b.sumTolerance : defaultSumTolerance(policy, numClasses);
    }

    /** Largest class count accepted from /info; more is taken as a broken or hostile answer. */
    static final int MAX_CLASSES = 100_000;
    private static final long MAX_INFO_BYTES = 64 << 10;

    /**
     * How far a row of probabilities may sum from 1. Exact softmax rows in float32 sum to within ~1e-6;
     * 1e-3 leaves room for other servers' rounding. Under our rounded(k) policy each of the C values is
     * off by up to 0.5e-k, so the sum by up to C * 0.5e-k.
     */
    static double defaultSumTolerance(String policy, int numClasses) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("rounded\\((\\d{1,2})\\)").matcher(policy);
        if (m.matches()) return Math.max(1e-3, numClasses * 0.5 * Math.pow(10, -Integer.parseInt(m.group(1))) + 1e-9);
        return 1e-3;
    }

    /** A client of the API at {@code base} (e.g. {@code http://127.0.0.1:PORT/}). */
    public static Builder at(URI base) {
        return new Builder(base);
    }

    @Override public String name() { return name; }
    @Override public long[] sampleShape() { return sampleShape.clone(); }
    @Override public int numClasses() { return numClasses; }
    /** Forward evaluations = queries sent, every attempt included. */
    @Override public EvaluationCounter counter() { return counter; }

    public QueryBudget budget() { return budget; }
    /** The server's output policy as it describes it, e.g. "rounded(2)". */
    public String policy() { return policy; }
    public boolean labelsOnly() { return labelsOnly; }
    /** Queries sent, every attempt counted (what the server saw). */
    public long queriesSent() { return counter.snapshot().forward(); }
    /** Queries that came back with a usable answer. */
    public long queriesAnswered() { return answered.get(); }
    /** Attempts after the first, over all requests. */
    public long retries() { return retries.get(); }

    @Override
    public INDArray probabilities(INDArray inputs) {
        InputChecks.requireBatchOf(this, inputs);
        int n = (int) inputs.size(0);
        INDArray flat = inputs.reshape(n, inputs.length() / Math.max(1, n));
        double[][] out = new double[n][];
        for (int from = 0; from < n; from += maxBatch) {
            int to = Math.min(n, from + maxBatch);
            double[][] part = request(flat.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                    org.nd4j.linalg.indexing.NDArrayIndex.all()));
            System.arraycopy(part, 0, out, from, part.length);
        }
        // Double, as sent: equation-solving extraction needs every digit the server reveals.
        return Nd4j.create(out);
    }

    private double[][] request(INDArray rows) {
        int n = (int) rows.size(0);
        byte[] body = requestBody(rows);
        String last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (attempt > 1) retries.incrementAndGet();
            try {
                budget.charge(n);
            } catch (QueryBudgetExceededException e) {
                EventBus.emit(new Query(name, 0, attempt, "refused: budget", queriesSent(), budget.remaining(), 0));
                throw e;
            }
            counter.addForward(n);
            long t0 = System.nanoTime();
            Outcome o = send(body, n);
            double seconds = (System.nanoTime() - t0) / 1e9;
            EventBus.emit(new Query(name, n, attempt, o.summary, queriesSent(), budget.remaining(), seconds));
            if (o.answer != null) {
                answered.addAndGet(n);
                return o.answer;
            }
            if (!o.retryable) {
                throw new RemoteQueryException(base, o.summary + (o.detail == null ? "" : ": " + o.detail));
            }
            last = o.summary + (o.detail == null ? "" : ": " + o.detail);
            if (attempt < maxAttempts) sleep(o.retryAfter != null ? o.retryAfter : backoffFor(attempt));
        }
        throw new RemoteQueryException(base, "no usable answer after " + maxAttempts + " attempts (" + n
                + " queries each, " + queriesSent() + " sent in all); last: " + last);
    }

    private record Outcome(double[][] answer, boolean retryable, String summary, String detail, Duration retryAfter) {
        static Outcome ok(double[][] a) { return new Outcome(a, false, "ok", null, null); }
        static Outcome retry(String summary, String detail) { return new Outcome(null, true, summary, detail, null); }
        static Outcome fail(String summary, String detail) { return new Outcome(null, false, summary, detail, null); }
    }

    private Outcome send(byte[] body, int n) {
        HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve("predict"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (apiKey != null) req.header("X-Api-Key", apiKey);
        HttpResponse<byte[]> resp;
        try {
            resp = exchange(req.build(), maxAnswerBytes);
        } catch (HttpTimeoutException e) {
            return Outcome.retry("timeout", "no complete answer within " + timeout.toMillis() + " ms");
        } catch (BoundedBody.TooLargeException e) {
            return Outcome.retry("malformed answer", e.getMessage());
        } catch (IOException e) {
            return Outcome.retry("connection failed", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.fail("interrupted", null);
        }
        int status = resp.statusCode();
        if (status == 200) {
            try {
                return Outcome.ok(parseAnswer(resp.body(), n));
            } catch (IllegalStateException | IOException e) {
                return Outcome.retry("malformed answer", brief(e.getMessage()));
            }
        }
        String detail = errorText(resp.body());
        if (status == 429) {
            Duration wait = resp.headers().firstValue("Retry-After").flatMap(RemoteClassifier::seconds)
                    .map(w -> w.compareTo(maxBackoff) > 0 ? maxBackoff : w).orElse(null);
            return new Outcome(null, true, "http 429", detail, wait);
        }
        if (status >= 500) return Outcome.retry("http " + status, detail);
        return Outcome.fail("http " + status, detail);
    }

    /**
     * One request and its whole answer within {@link Builder#timeout}: connecting, the headers and the
     * body share the one deadline (the JDK's request timeout stops at the headers), and the body is read
     * up to {@code maxBytes}. On the deadline the exchange is cancelled, which closes its connection.
     */
    private HttpResponse<byte[]> exchange(HttpRequest request, long maxBytes) throws IOException, InterruptedException {
        CompletableFuture<HttpResponse<byte[]>> pending = http.sendAsync(request, BoundedBody.handler(maxBytes));
        try {
            return pending.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            pending.cancel(true);
            throw new HttpTimeoutException("no complete answer within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            pending.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof IOException io) throw io;
            throw new IOException(String.valueOf(cause), cause);
        }
    }

    private static String brief(String s) {
        if (s == null) return "";
        return s.length() > 200 ? s.substring(0, 200) + "..." : s;
    }

    private static java.util.Optional<Duration> seconds(String header) {
        try {
            return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(header.trim())));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    /** Rows of probabilities (or one-hot rows of labels), checked against what was asked. */
    private double[][] parseAnswer(byte[] body, int n) throws IOException {
        JsonNode root = JSON.readTree(body);
        if (root == null || !root.isObject()) throw new IllegalStateException("not a JSON object");
        double[][] out = new double[n][];
        if (root.has("labels")) {
            JsonNode labels = root.get("labels");
            requireArray(labels, "labels", n);
            for (int i = 0; i < n; i++) {
                JsonNode l = labels.get(i);
                boolean integral = l.isIntegralNumber() || (l.isNumber() && l.asDouble() == Math.rint(l.asDouble()));
                if (!integral || l.asDouble() < 0 || l.asDouble() > numClasses - 1) {
                    throw new IllegalStateException("label " + i + " is " + brief(l.toString()) + ", not an integer in [0, "
                            + (numClasses - 1) + "]");
                }
                out[i] = new double[numClasses];
                out[i][l.asInt()] = 1.0;
            }
            return out;
        }
        JsonNode probs = root.get("probabilities");
        requireArray(probs, "probabilities", n);
        for (int i = 0; i < n; i++) {
            JsonNode row = probs.get(i);
            requireArray(row, "probabilities[" + i + "]", numClasses);
            out[i] = new double[numClasses];
            double sum = 0;
            for (int k = 0; k < numClasses; k++) {
                JsonNode v = row.get(k);
                double p = v.isNumber() ? v.asDouble() : Double.NaN;
                if (!(p >= 0 && p <= 1)) {
                    throw new IllegalStateException("probabilities[" + i + "][" + k + "] is " + brief(v.toString())
                            + ", not a finite number in [0, 1]");
                }
                out[i][k] = p;
                sum += p;
            }
            if (Math.abs(sum - 1) > sumTolerance) {
                throw new IllegalStateException("probabilities[" + i + "] sum to " + sum + ", not 1 within " + sumTolerance);
            }
        }
        return out;
    }

    private static void requireArray(JsonNode node, String what, int size) {
        if (node == null || !node.isArray()) throw new IllegalStateException("no \"" + what + "\" array");
        if (node.size() != size) {
            throw new IllegalStateException("\"" + what + "\" has " + node.size() + " entries, expected " + size);
        }
    }

    private static String errorText(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root != null && root.has("error")) return root.get("error").asText();
        } catch (IOException e) {
            // not JSON: show the raw start below
        }
        return brief(new String(body, java.nio.charset.StandardCharsets.UTF_8));
    }

    private byte[] requestBody(INDArray rows) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode inputs = root.putArray("inputs");
        for (int i = 0; i < rows.size(0); i++) {
            ArrayNode row = inputs.addArray();
            for (float v : rows.getRow(i, true).toFloatVector()) row.add(v);
        }
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode a request: " + e.getMessage(), e);
        }
    }

    private JsonNode fetchInfo() {
        String last = null;
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve("info")).timeout(timeout).GET();
            if (apiKey != null) req.header("X-Api-Key", apiKey);
            try {
                HttpResponse<byte[]> resp = exchange(req.build(), MAX_INFO_BYTES);
                if (resp.statusCode() == 200) {
                    JsonNode info = JSON.readTree(resp.body());
                    if (info != null && info.isObject()) return info;
                    last = "/info is not a JSON object";
                    continue;
                }
                last = "http " + resp.statusCode() + ": " + errorText(resp.body());
                if (resp.statusCode() < 500 && resp.statusCode() != 429) break;
            } catch (IOException e) {
                last = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (attempt < maxAttempts) sleep(backoffFor(attempt));
        }
        throw new RemoteQueryException(base, "cannot read the model's /info: " + last);
    }

    private Duration backoffFor(int attempt) {
        long ms = backoff.toMillis() << Math.min(20, attempt - 1);
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " at " + base + " (" + policy + ", " + Arrays.toString(sampleShape) + " -> " + numClasses + ")";
    }

    /** Settings of a client; {@link #connect()} reads the model's /info and returns the client. */
    public static final class Builder {
        private final URI base;
        private String apiKey;
        private Duration timeout = Duration.ofSeconds(30);
        private int maxAttempts = 4;
        private Duration backoff = Duration.ofMillis(100);
        private Duration maxBackoff = Duration.ofSeconds(5);
        private int maxBatch = 256;
        private long maxAnswerBytes;
        private double sumTolerance;
        private QueryBudget budget = QueryBudget.unlimited();

        private Builder(URI base) {
            if (base == null || base.getScheme() == null || !base.getScheme().startsWith("http")) {
                throw new IllegalArgumentException("prediction API base must be an http(s) URI, got " + base);
            }
            this.base = base.toString().endsWith("/") ? base : URI.create(base + "/");
        }

        public Builder apiKey(String key) { this.apiKey = key; return this; }

        /**
         * The deadline of one attempt, over the whole exchange: connecting, sending, the answer's headers
         * and its body. An attempt still running then is abandoned and counts as a timeout.
         */
        public Builder timeout(Duration t) {
            if (t == null || t.isNegative() || t.isZero()) throw new IllegalArgumentException("timeout must be > 0, got " + t);
            this.timeout = t;
            return this;
        }

        /** Tries per request, the first included; >= 1. */
        public Builder maxAttempts(int n) {
            if (n < 1) throw new IllegalArgumentException("max attempts must be >= 1, got " + n);
            this.maxAttempts = n;
            return this;
        }

        /** Wait before the 2nd attempt; doubles for each later one, up to {@code max}. */
        public Builder backoff(Duration first, Duration max) {
            if (first == null || first.isNegative() || max == null || max.compareTo(first) < 0) {
                throw new IllegalArgumentException("backoff needs 0 <= first <= max, got " + first + " and " + max);
            }
            this.backoff = first;
            this.maxBackoff = max;
            return this;
        }

        /** Samples per HTTP request; larger inputs are split. */
        public Builder maxBatch(int n) {
            if (n < 1) throw new IllegalArgumentException("max batch must be >= 1, got " + n);
            this.maxBatch = n;
            return this;
        }

        /** Largest answer accepted, in bytes; 0 (the default) sizes it from the batch and class count. */
        public Builder maxAnswerBytes(long n) {
            if (n < 0) throw new IllegalArgumentException("max answer bytes must be >= 0, got " + n);
            this.maxAnswerBytes = n;
            return this;
        }

        /**
         * How far a row of probabilities may sum from 1 before the answer is rejected; 0 (the default)
         * derives it from the policy /info names (1e-3, or C * 0.5e-k under rounded(k)).
         */
        public Builder sumTolerance(double t) {
            if (!(t >= 0) || !Double.isFinite(t)) throw new IllegalArgumentException("sum tolerance must be finite and >= 0, got " + t);
            this.sumTolerance = t;
            return this;
        }

        public Builder budget(QueryBudget b) {
            if (b == null) throw new IllegalArgumentException("budget must not be null (use QueryBudget.unlimited())");
            this.budget = b;
            return this;
        }

        public RemoteClassifier connect() {
            return new RemoteClassifier(this);
        }
    }
}
