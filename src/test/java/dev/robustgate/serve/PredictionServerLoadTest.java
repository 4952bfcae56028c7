package dev.robustgate.serve;

import dev.robustgate.model.Classifier;
import dev.robustgate.model.EvaluationCounter;
import dev.robustgate.model.RemoteClassifier;
import dev.robustgate.model.SoftmaxRegression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The prediction API under load and hostile input, on loopback. Every assertion is on outcomes and
 * counts; deadlines are generous (tens of seconds) so that a loaded CI machine passes, while the old
 * server (two workers reading headers, no deadline) fails them by never answering.
 */
class PredictionServerLoadTest {
    private static final long[] SHAPE = {1, 4, 4};
    private static final Duration HANG_GUARD = Duration.ofSeconds(120);

    private final List<Socket> attackers = new ArrayList<>();
    private final AtomicBoolean attacking = new AtomicBoolean(true);
    private PredictionServer server;

    @AfterEach
    void tearDown() throws IOException {
        attacking.set(false);
        for (Socket s : attackers) s.close();
        if (server != null) server.close();
    }

    static SoftmaxRegression toy() {
        Random r = new Random(3);
        INDArray w = Nd4j.zeros(DataType.DOUBLE, 16, 10);
        for (int i = 0; i < 16; i++) for (int k = 0; k < 10; k++) w.putScalar(i, k, r.nextGaussian());
        return new SoftmaxRegression("toy", SHAPE, w, Nd4j.zeros(DataType.DOUBLE, 1, 10));
    }

    private static INDArray batch(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * 16];
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat();
        return Nd4j.create(v, new long[]{n, 1, 4, 4}, 'c');
    }

    private static String row(double value) {
        return "[" + java.util.stream.IntStream.range(0, 16).mapToObj(i -> String.valueOf(value)).collect(Collectors.joining(",")) + "]";
    }

    /** Opens a connection that sends {@code prefix} and then one more byte every 200 ms, never finishing. */
    private void trickle(URI uri, String prefix) throws IOException {
        Socket s = new Socket(uri.getHost(), uri.getPort());
        attackers.add(s);
        OutputStream out = s.getOutputStream();
        out.write(prefix.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        Thread t = new Thread(() -> {
            try {
                while (attacking.get()) {
                    Thread.sleep(200);
                    out.write('a');
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // cut off by the server, or the test is over
            }
        }, "slow-client");
        t.setDaemon(true);
        t.start();
    }

    @Test
    void slowHeadersAndSlowBodiesDoNotStarveAWellBehavedClient() {
        // A 2 s request deadline cuts the attackers off; the honest client's own deadline is 30 s.
        server = PredictionServer.start(toy(), PredictionServer.Settings.open()
                .withLimits(HttpLimits.forThisMachine().withRequestDeadline(Duration.ofSeconds(2)).withWorkers(2)));
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            int slowHeaders = 6, slowBodies = 6;
            for (int i = 0; i < slowHeaders; i++) trickle(server.uri(), "GET /info HTTP/1.1\r\nX-Slow-" + i + ": ");
            for (int i = 0; i < slowBodies; i++) {
                trickle(server.uri(), "POST /predict HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"inputs\":[[");
            }
            RemoteClassifier honest = RemoteClassifier.at(server.uri()).timeout(Duration.ofSeconds(30)).maxAttempts(1).connect();
            int answered = 0;
            for (int i = 0; i < 20; i++) {
                answered += honest.predict(batch(5, i)).length;
            }
            assertThat(answered).isEqualTo(100);
            assertThat(honest.queriesSent()).isEqualTo(100);
            assertThat(server.queriesAnswered()).isEqualTo(100);
            // Every attacker was cut off at its deadline (408), however slowly the machine ran.
            await().atMost(Duration.ofSeconds(60)).until(() -> server.transportCounts().timedOut() >= slowHeaders + slowBodies);
        });
    }

    @Test
    void answersAThousandConcurrentRequestsAndCountsEveryQuery() {
        server = PredictionServer.start(toy(), PredictionServer.Settings.open());
        String body = "{\"inputs\":[" + row(0.25) + "," + row(0.75) + "]}";
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                all.add(client.sendAsync(HttpRequest.newBuilder(server.uri().resolve("predict"))
                        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            Map<Integer, Long> statuses = all.stream().map(CompletableFuture::join)
                    .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
            assertThat(statuses).containsExactly(Map.entry(200, 1000L));
            assertThat(server.queriesAnswered()).isEqualTo(2000);
            assertThat(server.requestsRefused()).isZero();
        });
    }

    @Test
    void rateLimitHoldsExactlyUnderConcurrency() {
        // 100 queries in the bucket, no refill, 300 single-query requests at once: exactly 100 pass.
        server = PredictionServer.start(toy(), PredictionServer.Settings.open().withRateLimit(100, 0));
        String body = "{\"inputs\":[" + row(0.5) + "]}";
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                all.add(client.sendAsync(HttpRequest.newBuilder(server.uri().resolve("predict"))
                        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            Map<Integer, Long> statuses = all.stream().map(CompletableFuture::join)
                    .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
            assertThat(statuses).containsOnly(Map.entry(200, 100L), Map.entry(429, 200L));
            assertThat(server.queriesAnswered()).isEqualTo(100);
        });
    }

    @Test
    void oversizeBodyIsRefusedFromItsContentLengthBeforeItIsRead() {
        server = PredictionServer.start(toy(), PredictionServer.Settings.open()
                .withLimits(HttpLimits.forThisMachine().withMaxBodyBytes(1 << 20)));
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            try (Socket s = new Socket(server.uri().getHost(), server.uri().getPort())) {
                s.setSoTimeout(60_000);
                // Claims 100 MB and sends none of it: the answer must come from the headers alone.
                s.getOutputStream().write(("POST /predict HTTP/1.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100000000\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                String answer = readAll(s.getInputStream());
                assertThat(answer).startsWith("HTTP/1.1 413 ").contains("at most 1048576");
            }
            assertThat(server.transportCounts().tooLarge()).isEqualTo(1);
            assertThat(server.queriesAnswered()).isZero();
        });
    }

    @Test
    void badInputsAreRefusedBeforeAnyModelWork() throws Exception {
        CountingModel model = new CountingModel(toy());
        server = PredictionServer.start(model, PredictionServer.Settings.open().withMaxBatch(4));
        HttpClient client = HttpClient.newHttpClient();
        String ok = row(0.5);
        Map<String, Integer> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"inputs\":[" + row(1.5) + "]}", 400);                       // above the box
        cases.put("{\"inputs\":[" + row(-0.001) + "]}", 400);                    // below the box
        cases.put("{\"inputs\":[" + ok.replaceFirst("0.5", "\"NaN\"") + "]}", 400);
        cases.put("{\"inputs\":[" + ok.replaceFirst("0.5", "1e999") + "]}", 400);  // parses to infinity
        cases.put("{\"inputs\":[" + ok.replaceFirst("0.5", "\"0.5\"") + "]}", 400);
        cases.put("{\"inputs\":[" + ok.replaceFirst("0.5,", "") + "]}", 400);      // 15 values
        cases.put("{\"inputs\":[" + ok.replace("]", ",0.5]") + "]}", 400);         // 17 values
        cases.put("{\"inputs\":[" + String.join(",", java.util.Collections.nCopies(5, ok)) + "]}", 413);
        cases.put("{\"inputs\":[]}", 400);
        cases.put("{\"inputs\":[[[[[[[[[[[[0.5]]]]]]]]]]]]}", 400);
        cases.put("{\"inputs\":[" + ok, 400);
        cases.put("[1,2,3]", 400);
        cases.put("{\"inputs\":[" + ok + "]} trailing", 400);
        for (var c : cases.entrySet()) {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(server.uri().resolve("predict"))
                    .POST(HttpRequest.BodyPublishers.ofString(c.getKey())).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(c.getKey()).isEqualTo(c.getValue());
            assertThat(r.body()).as(c.getKey()).startsWith("{\"error\":");
        }
        assertThat(model.calls).isZero();
        assertThat(server.requestsRefused()).isEqualTo(cases.size());
        assertThat(server.queriesAnswered()).isZero();
    }

    @Test
    void anInternalErrorAnswersAGenericMessageAndLogsTheDetail() throws Exception {
        Classifier broken = new CountingModel(toy()) {
            @Override public INDArray probabilities(INDArray inputs) {
                throw new IllegalStateException("native buffer at /secret/path/model.zip exhausted");
            }
        };
        server = PredictionServer.start(broken, PredictionServer.Settings.open());
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.uri().resolve("predict"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"inputs\":[" + row(0.5) + "]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(500);
        assertThat(r.body()).contains("internal error").doesNotContain("secret").doesNotContain("Exception");
        assertThat(server.transportCounts().internalErrors()).isEqualTo(1);
        assertThat(server.queriesAnswered()).isZero();
    }

    @Test
    void malformedFramingIsRefused() {
        server = PredictionServer.start(toy(), PredictionServer.Settings.open()
                .withLimits(HttpLimits.forThisMachine().withRequestDeadline(Duration.ofSeconds(30))));
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            assertThat(exchange("POST /predict HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"))
                    .startsWith("HTTP/1.1 411 ");
            assertThat(exchange("POST /predict HTTP/1.1\r\n\r\n")).startsWith("HTTP/1.1 411 ");
            assertThat(exchange("POST /predict HTTP/1.1\r\nContent-Length: -5\r\n\r\n")).startsWith("HTTP/1.1 400 ");
            assertThat(exchange("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400 ");
            assertThat(exchange("GET /info HTTP/1.1\r\nX-Big: " + "x".repeat(20_000) + "\r\n\r\n")).startsWith("HTTP/1.1 431 ");
            assertThat(exchange("GET /nothing HTTP/1.1\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 404 ");
            assertThat(server.transportCounts().malformed()).isEqualTo(5);
        });
    }

    @Test
    void keepAlivePipeliningAndExpectContinueAreServedInOrder() {
        server = PredictionServer.start(toy(), PredictionServer.Settings.open());
        String body = "{\"inputs\":[" + row(0.5) + "]}";
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            try (Socket s = new Socket(server.uri().getHost(), server.uri().getPort())) {
                s.setSoTimeout(60_000);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                // curl's way with bodies over 1 KB: headers first, the body only after "100 Continue".
                out.write(("POST /predict HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: " + body.length() + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                assertThat(new String(in.readNBytes(25), StandardCharsets.ISO_8859_1)).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
                // The body, then two more requests in the same write: three answers, in order, on one connection.
                out.write((body + "GET /info HTTP/1.1\r\n\r\nGET /nothing HTTP/1.1\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                String answers = readAll(in);
                assertThat(answers.split("HTTP/1.1 ", -1)).hasSize(4);
                assertThat(answers).startsWith("HTTP/1.1 200 ").contains("\"probabilities\"");
                assertThat(answers.indexOf("\"sample_shape\"")).isGreaterThan(answers.indexOf("\"probabilities\""));
                assertThat(answers.indexOf("HTTP/1.1 404 ")).isGreaterThan(answers.indexOf("\"sample_shape\""));
            }
            assertThat(server.queriesAnswered()).isEqualTo(1);
        });
    }

    @Test
    void connectionsBeyondTheCapAreClosedAtOnceAndTheOthersStillServed() {
        server = PredictionServer.start(toy(), PredictionServer.Settings.open()
                .withLimits(HttpLimits.forThisMachine().withMaxConnections(4).withRequestDeadline(Duration.ofSeconds(60))));
        assertTimeoutPreemptively(HANG_GUARD, () -> {
            for (int i = 0; i < 4; i++) trickle(server.uri(), "GET /info HTTP/1.1\r\nX-Hold: ");
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                try (Socket extra = new Socket(server.uri().getHost(), server.uri().getPort())) {
                    extra.setSoTimeout(60_000);
                    return extra.getInputStream().read() < 0;    // closed by the server without an answer
                } catch (java.net.SocketException reset) {
                    return true;                                  // closed, seen as a reset
                }
            });
            assertThat(server.transportCounts().connectionsRefused()).isPositive();
            for (Socket s : attackers) s.close();
            // Once the holders are gone, new clients are served again.
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                    exchange("GET /info HTTP/1.1\r\nConnection: close\r\n\r\n").startsWith("HTTP/1.1 200 "));
        });
    }

    private String exchange(String request) throws IOException {
        try (Socket s = new Socket(server.uri().getHost(), server.uri().getPort())) {
            s.setSoTimeout(60_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return readAll(s.getInputStream());
        }
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    /** Counts calls into the model, so a test can show that a refused request cost no model work. */
    static class CountingModel implements Classifier {
        final Classifier inner;
        volatile int calls;

        CountingModel(Classifier inner) {
            this.inner = inner;
        }

        @Override public String name() { return inner.name(); }
        @Override public long[] sampleShape() { return inner.sampleShape(); }
        @Override public int numClasses() { return inner.numClasses(); }
        @Override public synchronized INDArray probabilities(INDArray inputs) {
            calls++;
            return inner.probabilities(inputs);
        }
        @Override public EvaluationCounter counter() { return inner.counter(); }
    }
}
