package dev.robustgate.serve;

import dev.robustgate.model.RemoteClassifier;
import org.HdrHistogram.Histogram;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load held by the prediction API, for the issue-15 note (a benchmark, never a test: it measures time).
 * Two phases of {@code --seconds} each against one server: honest load alone, then the same load while
 * {@code --slow} connections send headers or bodies a byte at a time (reconnecting whenever cut off).
 * Reports requests/s, the p50/p99 latency of a separate well-behaved client, the attackers cut off,
 * the bad inputs tried and their answers, and whether every query the clients sent was answered.
 *
 * <pre>
 * java -cp "target/test-classes:target/classes:$(cat target/robustgate.classpath)" \
 *   dev.robustgate.serve.ServeLoadBenchmark [--url http://127.0.0.1:PORT/] [--seconds 15] [--clients 2] [--slow 64] [--batch 8]
 * </pre>
 * Without --url it serves a 16-input softmax regression in process.
 */
public final class ServeLoadBenchmark {
    private ServeLoadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        String url = null;
        int seconds = 15, clients = 2, slow = 64, batch = 8;
        for (int i = 0; i < args.length; i += 2) {
            switch (args[i]) {
                case "--url" -> url = args[i + 1];
                case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
                case "--clients" -> clients = Integer.parseInt(args[i + 1]);
                case "--slow" -> slow = Integer.parseInt(args[i + 1]);
                case "--batch" -> batch = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        PredictionServer local = null;
        URI uri;
        if (url == null) {
            local = PredictionServer.start(PredictionServerLoadTest.toy(), PredictionServer.Settings.open()
                    .withLimits(HttpLimits.forThisMachine().withRequestDeadline(Duration.ofSeconds(2))));
            uri = local.uri();
        } else {
            uri = URI.create(url);
        }
        System.out.println("target " + uri + (local != null ? " (in-process toy model, 2 s request deadline)" : ""));
        System.out.println("| phase | honest requests/s | queries/s | well-behaved p50 ms | p99 ms | max ms | slow connections cut off | errors |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        Phase quiet = run(uri, seconds, clients, 0, batch);
        System.out.println(quiet.row("honest load only"));
        Phase attacked = run(uri, seconds, clients, slow, batch);
        System.out.println(attacked.row("with " + slow + " slow clients"));
        System.out.println();
        badInputs(uri);
        long sent = quiet.sent + attacked.sent, answered = quiet.answered + attacked.answered;
        System.out.println("queries sent by the clients " + sent + ", answered " + answered
                + (local != null ? ", answered by the server " + local.queriesAnswered() : "")
                + (local != null ? "; server transport counts " + local.transportCounts() : ""));
        if (local != null) local.close();
        System.exit(0);
    }

    private record Phase(double requestsPerSecond, double queriesPerSecond, Histogram latency, long cutOff, long errors,
                         long sent, long answered) {
        String row(String name) {
            return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.1f | %.1f | %.1f | %d | %d |", name, requestsPerSecond,
                    queriesPerSecond, latency.getValueAtPercentile(50) / 1000.0, latency.getValueAtPercentile(99) / 1000.0,
                    latency.getMaxValue() / 1000.0, cutOff, errors);
        }
    }

    private static Phase run(URI uri, int seconds, int clients, int slow, int batch) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong requests = new AtomicLong(), errors = new AtomicLong(), cutOff = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < slow; s++) {
            boolean headers = s % 2 == 0;
            threads.add(start("slow-" + s, () -> slowClient(uri, headers, running, cutOff)));
        }
        Thread.sleep(500);   // let the attackers connect first
        List<RemoteClassifier> remotes = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            RemoteClassifier r = RemoteClassifier.at(uri).timeout(Duration.ofSeconds(30)).maxAttempts(1).maxBatch(batch).connect();
            remotes.add(r);
            INDArray x = inputs(r.sampleShape(), batch, c);
            threads.add(start("honest-" + c, () -> {
                while (running.get()) {
                    try {
                        r.probabilities(x);
                        requests.incrementAndGet();
                    } catch (RuntimeException e) {
                        errors.incrementAndGet();
                    }
                }
            }));
        }
        RemoteClassifier probe = RemoteClassifier.at(uri).timeout(Duration.ofSeconds(30)).maxAttempts(1).connect();
        remotes.add(probe);
        INDArray one = inputs(probe.sampleShape(), 1, 99);
        Histogram latency = new Histogram(60_000_000L, 3);
        long t0 = System.nanoTime(), end = t0 + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            long s = System.nanoTime();
            try {
                probe.probabilities(one);
                latency.recordValue(Math.min(60_000_000L, (System.nanoTime() - s) / 1000));
            } catch (RuntimeException e) {
                errors.incrementAndGet();
            }
            Thread.sleep(20);
        }
        double elapsed = (System.nanoTime() - t0) / 1e9;
        running.set(false);
        for (Thread t : threads) t.join(60_000);
        long sent = remotes.stream().mapToLong(RemoteClassifier::queriesSent).sum();
        long answered = remotes.stream().mapToLong(RemoteClassifier::queriesAnswered).sum();
        return new Phase(requests.get() / elapsed, requests.get() * batch / elapsed, latency, cutOff.get(), errors.get(), sent, answered);
    }

    private static INDArray inputs(long[] shape, int n, long seed) {
        long[] full = new long[shape.length + 1];
        full[0] = n;
        System.arraycopy(shape, 0, full, 1, shape.length);
        Random r = new Random(seed);
        long length = java.util.Arrays.stream(full).reduce(1, (a, b) -> a * b);
        float[] v = new float[(int) length];
        for (int i = 0; i < v.length; i++) v[i] = r.nextFloat();
        return Nd4j.create(v, full, 'c');
    }

    /** Sends a request a byte every 100 ms; when the server cuts it off, counts that and starts again. */
    private static void slowClient(URI uri, boolean headers, AtomicBoolean running, AtomicLong cutOff) {
        String prefix = headers ? "GET /info HTTP/1.1\r\nX-Slow: "
                : "POST /predict HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{\"inputs\":[[";
        while (running.get()) {
            try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
                s.setSoTimeout(100);
                OutputStream out = s.getOutputStream();
                InputStream in = s.getInputStream();
                out.write(prefix.getBytes(StandardCharsets.ISO_8859_1));
                while (running.get()) {
                    out.write(headers ? 'a' : '0');
                    out.flush();
                    try {
                        if (in.read() < 0) break;
                        break;                  // any answer (408) means we were cut off
                    } catch (java.net.SocketTimeoutException e) {
                        // still connected: keep trickling
                    }
                }
                if (running.get()) cutOff.incrementAndGet();
            } catch (IOException e) {
                if (running.get()) cutOff.incrementAndGet();
            }
        }
    }

    /** Bad requests of each kind, three times each; prints the statuses they drew. */
    private static void badInputs(URI uri) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        RemoteClassifier r = RemoteClassifier.at(uri).connect();
        int d = 1;
        for (long x : r.sampleShape()) d *= (int) x;
        String ok = "[" + String.join(",", java.util.Collections.nCopies(d, "0.5")) + "]";
        java.util.Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("value 1.5", "{\"inputs\":[" + ok.replaceFirst("0.5", "1.5") + "]}");
        cases.put("value -1", "{\"inputs\":[" + ok.replaceFirst("0.5", "-1") + "]}");
        cases.put("NaN", "{\"inputs\":[" + ok.replaceFirst("0.5", "\"NaN\"") + "]}");
        cases.put("1e999", "{\"inputs\":[" + ok.replaceFirst("0.5", "1e999") + "]}");
        cases.put("short row", "{\"inputs\":[" + ok.replaceFirst("0.5,", "") + "]}");
        cases.put("long row", "{\"inputs\":[" + ok.replace("]", ",0.5]") + "]}");
        cases.put("truncated JSON", "{\"inputs\":[" + ok);
        cases.put("no inputs", "{}");
        int tried = 0;
        StringBuilder line = new StringBuilder("bad inputs (each sent 3 times):");
        for (var c : cases.entrySet()) {
            java.util.Set<Integer> statuses = new java.util.TreeSet<>();
            for (int i = 0; i < 3; i++) {
                statuses.add(client.send(java.net.http.HttpRequest.newBuilder(uri.resolve("predict"))
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(c.getValue())).build(),
                        java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode());
                tried++;
            }
            line.append(' ').append(c.getKey()).append(" -> ").append(statuses).append(';');
        }
        try (Socket s = new Socket(uri.getHost(), uri.getPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write("POST /predict HTTP/1.1\r\nContent-Length: 2000000000\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String answer = new String(s.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1);
            line.append(" 2 GB Content-Length -> ").append(answer.substring(9)).append(" (unread)");
            tried++;
        }
        System.out.println(line + "; " + tried + " bad requests in all");
    }

    private static Thread start(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
