package dev.robustgate.serve;

import dev.robustgate.event.EventBus;
import dev.robustgate.event.Query;
import dev.robustgate.model.QueryBudget;
import dev.robustgate.model.QueryBudgetExceededException;
import dev.robustgate.model.RemoteClassifier;
import dev.robustgate.model.RemoteQueryException;
import dev.robustgate.model.SoftmaxRegression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.robustgate.serve.FaultyProxy.Fault.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The prediction API and its client, with faults injected between them: no query may go uncounted. */
class RemoteClassifierTest {
    private static final long[] SHAPE = {1, 4, 4};
    private static final int N = 5;

    private SoftmaxRegression model;
    private PredictionServer server;
    private final List<Query> events = new ArrayList<>();
    private EventBus.Subscription subscription;

    @BeforeEach
    void setUp() {
        Random r = new Random(3);
        INDArray w = Nd4j.zeros(DataType.DOUBLE, 16, 10);
        for (int i = 0; i < 16; i++) for (int k = 0; k < 10; k++) w.putScalar(i, k, r.nextGaussian());
        model = new SoftmaxRegression("toy", SHAPE, w, Nd4j.zeros(DataType.DOUBLE, 1, 10));
        subscription = EventBus.global().subscribe(new dev.robustgate.event.EventListener() {
            @Override public void onQuery(Query e) { synchronized (events) { events.add(e); } }
        });
    }

    @AfterEach
    void tearDown() {
        subscription.close();
        if (server != null) server.close();
    }

    private static INDArray batch(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n * 16];
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat();
        return Nd4j.create(v, new long[]{n, 1, 4, 4}, 'c');
    }

    private RemoteClassifier.Builder client(java.net.URI uri) {
        // 30 s: an honest answer meets it on any machine load; stalls are tested in RemoteClassifierFaultTest.
        return RemoteClassifier.at(uri).timeout(Duration.ofSeconds(30)).maxAttempts(3)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(20));
    }

    private List<String> outcomes() {
        synchronized (events) {
            return events.stream().map(Query::outcome).toList();
        }
    }

    @Test
    void servesTheModelsProbabilitiesAndCountsEveryQuery() {
        server = PredictionServer.start(model, PredictionServer.Settings.open());
        RemoteClassifier remote = client(server.uri()).connect();
        INDArray x = batch(N, 1);

        INDArray p = remote.probabilities(x);

        assertThat(remote.name()).isEqualTo("toy");
        assertThat(remote.sampleShape()).containsExactly(SHAPE);
        assertThat(remote.numClasses()).isEqualTo(10);
        INDArray local = model.probabilities(x);
        for (int i = 0; i < N; i++) for (int k = 0; k < 10; k++) {
            // JSON carries doubles exactly; the request's inputs were float32 on both sides.
            assertThat(p.getDouble(i, k)).isCloseTo(local.getDouble(i, k), within(1e-12));
        }
        assertThat(remote.queriesSent()).isEqualTo(N);
        assertThat(remote.queriesAnswered()).isEqualTo(N);
        assertThat(server.queriesAnswered()).isEqualTo(N);
        assertThat(outcomes()).containsExactly("ok");
    }

    @Test
    void splitsLargeInputsIntoRequestsOfMaxBatch() throws Exception {
        server = PredictionServer.start(model, PredictionServer.Settings.open());
        try (FaultyProxy proxy = new FaultyProxy(server.uri())) {
            RemoteClassifier remote = client(proxy.uri()).maxBatch(3).connect();
            remote.probabilities(batch(7, 2));
            assertThat(proxy.predictRequests()).isEqualTo(3);
            assertThat(remote.queriesSent()).isEqualTo(7);
        }
    }

    @Test
    void retriesAfterEachKindOfFaultAndCountsTheRetriedQueries() throws Exception {
        server = PredictionServer.start(model, PredictionServer.Settings.open());
        try (FaultyProxy proxy = new FaultyProxy(server.uri())) {
            proxy.then(HTTP_500, MALFORMED_JSON, WRONG_SHAPE, OUT_OF_RANGE, HTTP_500);
            RemoteClassifier remote = client(proxy.uri()).maxAttempts(6).connect();
            INDArray x = batch(N, 3);

            INDArray p = remote.probabilities(x);

            assertThat(p.getDouble(0, 0)).isCloseTo(model.probabilities(x).getDouble(0, 0), within(1e-12));
            assertThat(remote.queriesSent()).isEqualTo(6L * N);
            assertThat(remote.queriesAnswered()).isEqualTo(N);
            assertThat(remote.retries()).isEqualTo(5);
            assertThat(outcomes()).containsExactly("http 500", "malformed answer", "malformed answer",
                    "malformed answer", "http 500", "ok");
            assertThat(events).extracting(Query::totalQueries).containsExactly(5L, 10L, 15L, 20L, 25L, 30L);
        }
    }

    @Test
    void failsClearlyWhenEveryAttemptFails() throws Exception {
        server = PredictionServer.start(model, PredictionServer.Settings.open());
        try (FaultyProxy proxy = new FaultyProxy(server.uri())) {
            proxy.always(WRONG_SHAPE);
            RemoteClassifier remote = client(proxy.uri()).connect();

            assertThatThrownBy(() -> remote.probabilities(batch(N, 4)))
                    .isInstanceOf(RemoteQueryException.class)
                    .hasMessageContaining("no usable answer after 3 attempts")
                    .hasMessageContaining("\"probabilities[0]\" has 9 entries, expected 10");
            assertThat(remote.queriesSent()).isEqualTo(3L * N);
            assertThat(remote.queriesAnswered()).isZero();
            assertThat(proxy.predictRequests()).isEqualTo(3);
        }
    }

    @Test
    void stopsAtTheBudgetWithoutSendingWhatItCannotPayFor() throws Exception {
        server = PredictionServer.start(model, PredictionServer.Settings.open());
        try (FaultyProxy proxy = new FaultyProxy(server.uri())) {
            proxy.always(HTTP_500);
            QueryBudget budget = QueryBudget.of(2L * N + 1);
            RemoteClassifier remote = client(proxy.uri()).maxAttempts(5).budget(budget).connect();

            assertThatThrownBy(() -> remote.probabilities(batch(N, 5)))
                    .isInstanceOf(QueryBudgetExceededException.class)
                    .hasMessageContaining("5 queries requested, 10 of 11 used, 1 left");
            assertThat(proxy.predictRequests()).isEqualTo(2);
            assertThat(remote.queriesSent()).isEqualTo(2L * N);
            assertThat(budget.used()).isEqualTo(2L * N);
            assertThat(outcomes()).containsExactly("http 500", "http 500", "refused: budget");
        }
    }

    @Test
    void clientErrorsAreNotRetried() {
        server = PredictionServer.start(model, PredictionServer.Settings.open());
        RemoteClassifier remote = client(server.uri()).connect();
        INDArray x = batch(1, 6);
        x.putScalar(0, 0, 2, 2, Float.NaN);

        assertThatThrownBy(() -> remote.probabilities(x))
                .isInstanceOf(RemoteQueryException.class)
                .hasMessageContaining("http 400")
                .hasMessageContaining("input 0 value 10 is NaN");
        assertThat(remote.queriesSent()).isEqualTo(1);
        assertThat(remote.retries()).isZero();
    }

    @Test
    void apiKeyIsRequiredWhenSet() {
        server = PredictionServer.start(model, PredictionServer.Settings.open().withApiKey("s3cret"));

        assertThatThrownBy(() -> client(server.uri()).connect())
                .isInstanceOf(RemoteQueryException.class).hasMessageContaining("http 401: missing X-Api-Key header");
        assertThatThrownBy(() -> client(server.uri()).apiKey("guess").connect())
                .hasMessageContaining("http 401: wrong API key");
        RemoteClassifier remote = client(server.uri()).apiKey("s3cret").connect();
        assertThat(remote.predict(batch(2, 7))).hasSize(2);
    }

    @Test
    void rateLimitAnswers429AndTheClientGivesUpWithinItsAttempts() {
        // Ten queries in the bucket and no refill: the second request of five is refused every time.
        server = PredictionServer.start(model, PredictionServer.Settings.open().withRateLimit(10, 0));
        RemoteClassifier remote = client(server.uri()).connect();
        remote.probabilities(batch(N, 8));
        remote.probabilities(batch(N, 9));

        assertThatThrownBy(() -> remote.probabilities(batch(N, 10)))
                .isInstanceOf(RemoteQueryException.class)
                .hasMessageContaining("http 429: rate limit exceeded");
        assertThat(remote.queriesSent()).isEqualTo(2L * N + 3L * N);
        assertThat(server.queriesAnswered()).isEqualTo(2L * N);
    }

    @Test
    void top1PolicyRevealsOnlyLabels() {
        server = PredictionServer.start(model, PredictionServer.Settings.open().withPolicy(OutputPolicy.top1()));
        RemoteClassifier remote = client(server.uri()).connect();
        INDArray x = batch(N, 11);

        INDArray p = remote.probabilities(x);

        assertThat(remote.labelsOnly()).isTrue();
        assertThat(remote.policy()).isEqualTo("top1");
        assertThat(remote.predict(x)).containsExactly(model.predict(x));
        assertThat(p.sum(1).toDoubleVector()).containsOnly(1.0);
        assertThat(p.maxNumber().doubleValue()).isEqualTo(1.0);
    }

    @Test
    void roundedPolicyRevealsKDecimals() {
        server = PredictionServer.start(model, PredictionServer.Settings.open().withPolicy(OutputPolicy.rounded(2)));
        RemoteClassifier remote = client(server.uri()).connect();
        INDArray x = batch(N, 12);

        INDArray p = remote.probabilities(x);
        INDArray exact = model.probabilities(x);

        for (int i = 0; i < N; i++) for (int k = 0; k < 10; k++) {
            double v = p.getDouble(i, k);
            assertThat(v * 100).isCloseTo(Math.rint(v * 100), within(1e-9));
            assertThat(v).isCloseTo(exact.getDouble(i, k), within(0.005 + 1e-12));
        }
    }

    @Test
    void noisePolicyIsSeededAndKeepsRowsOnTheSimplex() {
        double[] probs = {0.7, 0.2, 0.1};
        double[] a = OutputPolicy.noise(0.05, 9).reveal(probs);
        double[] b = OutputPolicy.noise(0.05, 9).reveal(probs);
        assertThat(a).containsExactly(b);
        assertThat(a).isNotEqualTo(probs);
        assertThat(java.util.Arrays.stream(a).sum()).isCloseTo(1.0, within(1e-12));
        assertThat(java.util.Arrays.stream(a).min().orElseThrow()).isGreaterThanOrEqualTo(0.0);
    }

    @Test
    void badSettingsAreRejectedWithTheirRange() {
        assertThatThrownBy(() -> OutputPolicy.rounded(-1)).hasMessageContaining("[0, 15], got -1");
        assertThatThrownBy(() -> OutputPolicy.noise(-0.1, 0)).hasMessageContaining(">= 0, got -0.1");
        assertThatThrownBy(() -> OutputPolicy.parse("blur")).hasMessageContaining("unknown output policy 'blur'");
        assertThat(OutputPolicy.parse("rounded(3)")).isEqualTo(OutputPolicy.rounded(3));
        assertThatThrownBy(() -> QueryBudget.of(-1)).hasMessageContaining(">= 0, got -1");
        assertThatThrownBy(() -> RemoteClassifier.at(java.net.URI.create("ftp://x/")))
                .hasMessageContaining("http(s) URI");
    }
}
