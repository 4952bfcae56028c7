package dev.robustgate.serve;

import dev.robustgate.event.EventBus;
import dev.robustgate.event.Query;
import dev.robustgate.model.QueryBudget;
import dev.robustgate.model.RemoteClassifier;
import dev.robustgate.model.RemoteQueryException;
import dev.robustgate.model.SoftmaxRegression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.robustgate.serve.HostileServer.Fault.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The client against a server that misbehaves at the byte level. Two kinds of case, both independent of
 * machine load: faults that never answer (stalls) run under a short deadline, which they always exceed;
 * faults that answer at once run under a 30 s deadline, which an honest answer always meets. Outcomes
 * and counts are asserted exactly; a 120 s guard turns a hang into a failure.
 */
class RemoteClassifierFaultTest {
    private static final int N = 3;
    private static final Duration HANG_GUARD = Duration.ofSeconds(120);

    private final SoftmaxRegression model = PredictionServerLoadTest.toy();
    private final List<Query> events = new ArrayList<>();
    private EventBus.Subscription subscription;
    private HostileServer server;

    @BeforeEach
    void listen() {
        subscription = EventBus.global().subscribe(new dev.robustgate.event.EventListener() {
            @Override public void onQuery(Query e) { synchronized (events) { events.add(e); } }
        });
    }

    @AfterEach
    void tearDown() throws IOException {
        subscription.close();
        if (server != null) server.close();
    }

    private static INDArray batch(long seed) {
        Random r = new Random(seed);
        float[] v = new float[N * 16];
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat();
        return Nd4j.create(v, new long[]{N, 1, 4, 4}, 'c');
    }

    private List<String> outcomes() {
        synchronized (events) {
            return events.stream().map(Query::outcome).toList();
        }
    }

    @ParameterizedTest
    @EnumSource(names = {"STALL_BEFORE_HEADERS", "STALL_MID_BODY", "HUGE_CONTENT_LENGTH"})
    void aStalledAnswerTimesOutWithinTheDeadlineOfEachAttempt(HostileServer.Fault fault) throws IOException {
        server = new HostileServer(model, false).always(fault);
        QueryBudget budget = QueryBudget.of(100);
        RemoteClassifier remote = RemoteClassifier.at(server.uri()).timeout(Duration.ofSeconds(1)).maxAttempts(2)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(10)).budget(budget).connect();

        assertTimeoutPreemptively(HANG_GUARD, () -> assertThatThrownBy(() -> remote.probabilities(batch(1)))
                .isInstanceOf(RemoteQueryException.class)
                .hasMessageContaining("no usable answer after 2 attempts"));

        String expected = fault == HUGE_CONTENT_LENGTH ? "malformed answer" : "timeout";
        assertThat(outcomes()).containsExactly(expected, expected);
        assertThat(remote.queriesSent()).isEqualTo(2L * N);
        assertThat(budget.used()).isEqualTo(2L * N);
        assertThat(remote.queriesAnswered()).isZero();
        assertThat(server.predictRequests()).isEqualTo(2);
    }

    @Test
    void anEndlessBodyIsCutOffAtTheAnswerCap() throws IOException {
        server = new HostileServer(model, false).always(ENDLESS_BODY);
        RemoteClassifier remote = RemoteClassifier.at(server.uri()).timeout(Duration.ofSeconds(60)).maxAttempts(2)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(10)).maxAnswerBytes(1 << 20).connect();

        assertTimeoutPreemptively(HANG_GUARD, () -> assertThatThrownBy(() -> remote.probabilities(batch(2)))
                .isInstanceOf(RemoteQueryException.class)
                .hasMessageContaining("answer longer than 1048576 bytes"));
        assertThat(outcomes()).containsExactly("malformed answer", "malformed answer");
        assertThat(remote.queriesSent()).isEqualTo(2L * N);
    }

    @Test
    void recoversFromEveryAnsweringFaultAndChargesEveryAttempt() throws IOException {
        server = new HostileServer(model, false).then(GARBAGE, GARBAGE_BODY, CLOSE_EARLY, HTTP_500, HTTP_429,
                ALL_ZERO, ALL_ONE, NAN_PROBABILITY);
        QueryBudget budget = QueryBudget.of(1000);
        RemoteClassifier remote = RemoteClassifier.at(server.uri()).timeout(Duration.ofSeconds(30)).maxAttempts(9)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(10)).budget(budget).connect();
        INDArray x = batch(3);

        INDArray p = assertTimeoutPreemptively(HANG_GUARD, () -> remote.probabilities(x));

        assertThat(p.toDoubleMatrix()).isDeepEqualTo(model.probabilities(x).toDoubleMatrix());
        assertThat(outcomes()).containsExactly("connection failed", "malformed answer", "connection failed", "http 500",
                "http 429", "malformed answer", "malformed answer", "malformed answer", "ok");
        assertThat(remote.queriesSent()).isEqualTo(9L * N);
        assertThat(budget.used()).isEqualTo(9L * N);
        assertThat(remote.queriesAnswered()).isEqualTo(N);
        assertThat(remote.retries()).isEqualTo(8);
        assertThat(server.predictRequests()).isEqualTo(9);
    }

    @ParameterizedTest
    @EnumSource(names = {"ALL_ZERO", "ALL_ONE", "NAN_PROBABILITY"})
    void probabilitiesOffTheSimplexAreRejected(HostileServer.Fault fault) throws IOException {
        server = new HostileServer(model, false).always(fault);
        RemoteClassifier remote = RemoteClassifier.at(server.uri()).timeout(Duration.ofSeconds(30)).maxAttempts(1).connect();

        assertThatThrownBy(() -> remote.probabilities(batch(4)))
                .isInstanceOf(RemoteQueryException.class)
                .hasMessageContaining(fault == NAN_PROBABILITY ? "not a finite number in [0, 1]" : "not 1 within 0.001");
        assertThat(remote.queriesSent()).isEqualTo(N);
        assertThat(remote.queriesAnswered()).isZero();
    }

    @ParameterizedTest
    @EnumSource(names = {"FRACTIONAL_LABEL", "LABEL_OUT_OF_RANGE"})
    void labelsMustBeIntegersInRange(HostileServer.Fault fault) throws IOException {
        server = new HostileServer(model, true).then(fault);
        RemoteClassifier remote = RemoteClassifier.at(server.uri()).timeout(Duration.ofSeconds(30)).maxAttempts(2)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(10)).connect();
        INDArray x = batch(5);

        int[] labels = remote.predict(x);

        assertThat(labels).containsExactly(model.predict(x));
        assertThat(outcomes()).containsExactly("malformed answer", "ok");
        assertThat(remote.queriesSent()).isEqualTo(2L * N);
    }
}
