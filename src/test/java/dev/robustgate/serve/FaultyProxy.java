package dev.robustgate.serve;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback proxy in front of a real {@link PredictionServer} that answers the next /predict
 * requests with scripted faults, then forwards the rest. /info always passes through.
 */
final class FaultyProxy implements AutoCloseable {
    enum Fault { HTTP_500, MALFORMED_JSON, WRONG_SHAPE, OUT_OF_RANGE }

    private final URI upstream;
    private final HttpServer http;
    private final HttpClient client = HttpClient.newHttpClient();
    private final ConcurrentLinkedQueue<Fault> script = new ConcurrentLinkedQueue<>();
    private final AtomicInteger predictRequests = new AtomicInteger();
    private volatile Fault always;

    FaultyProxy(URI upstream) throws IOException {
        this.upstream = upstream;
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "faulty-proxy");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/", this::handle);
        http.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/");
    }

    FaultyProxy then(Fault... faults) {
        script.addAll(java.util.List.of(faults));
        return this;
    }

    FaultyProxy always(Fault fault) {
        this.always = fault;
        return this;
    }

    int predictRequests() {
        return predictRequests.get();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            byte[] body = ex.getRequestBody().readAllBytes();
            Fault fault = null;
            if (path.endsWith("/predict")) {
                predictRequests.incrementAndGet();
                fault = script.poll();
                if (fault == null) fault = always;
            }
            if (fault == Fault.HTTP_500) {
                reply(ex, 500, "{\"error\":\"injected failure\"}");
                return;
            }
            if (fault == Fault.MALFORMED_JSON) {
                reply(ex, 200, "{\"probabilities\": [[0.1, 0.9");
                return;
            }
            HttpRequest.Builder req = HttpRequest.newBuilder(upstream.resolve(path.substring(1)));
            ex.getRequestHeaders().forEach((k, v) -> {
                if (k.equalsIgnoreCase("X-Api-Key")) v.forEach(x -> req.header(k, x));
            });
            if (ex.getRequestMethod().equals("POST")) {
                req.POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
            }
            HttpResponse<String> resp;
            try {
                resp = client.send(req.build(), HttpResponse.BodyHandlers.ofString());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            String answer = resp.body();
            if (fault == Fault.WRONG_SHAPE) {
                // Drops the last class of every row: 9 values where 10 are expected.
                answer = answer.replaceAll(",[^,\\[\\]]+\\]", "]");
            } else if (fault == Fault.OUT_OF_RANGE) {
                answer = answer.replaceFirst("\\[\\[[^,\\]]+", "[[1.5");
            }
            reply(ex, resp.statusCode(), answer);
        }
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        http.stop(0);
    }
}
