package dev.robustgate.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.robustgate.model.Classifier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server on a raw socket that misbehaves on purpose, at the byte level the JDK server
 * cannot reach: it answers /info honestly, and each /predict with the next scripted fault (then
 * honestly, from {@code model}). Stalls last until {@link #close()}.
 */
final class HostileServer implements AutoCloseable {
    enum Fault {
        /** Reads the request, never answers. */
        STALL_BEFORE_HEADERS,
        /** Sends 200 headers with a Content-Length and half the body, then stalls. */
        STALL_MID_BODY,
        /** Answers bytes that are not HTTP. */
        GARBAGE,
        /** Answers 200 with a body that is not JSON. */
        GARBAGE_BODY,
        /** Closes the connection after reading the request. */
        CLOSE_EARLY,
        HTTP_500,
        /** 429 with Retry-After: 1. */
        HTTP_429,
        /** 200 with no Content-Length and a body that never ends. */
        ENDLESS_BODY,
        /** 200 declaring a 2 GB body. */
        HUGE_CONTENT_LENGTH,
        /** Every probability 0. */
        ALL_ZERO,
        /** Every probability 1. */
        ALL_ONE,
        /** A NaN probability (as JSON's string form). */
        NAN_PROBABILITY,
        /** Labels answered as 1.9. */
        FRACTIONAL_LABEL,
        /** A label beyond the class count. */
        LABEL_OUT_OF_RANGE
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Classifier model;
    private final boolean labels;
    private final ServerSocket socket;
    private final ConcurrentLinkedQueue<Fault> script = new ConcurrentLinkedQueue<>();
    private final AtomicInteger predictRequests = new AtomicInteger();
    private final CountDownLatch closed = new CountDownLatch(1);
    private volatile Fault always;

    HostileServer(Classifier model, boolean labels) throws IOException {
        this.model = model;
        this.labels = labels;
        this.socket = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "hostile-server");
        t.setDaemon(true);
        t.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }

    HostileServer then(Fault... faults) {
        script.addAll(List.of(faults));
        return this;
    }

    HostileServer always(Fault fault) {
        this.always = fault;
        return this;
    }

    int predictRequests() {
        return predictRequests.get();
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        socket.close();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                Thread t = new Thread(() -> serve(s), "hostile-connection");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) return;
                String path = head.split(" ", 3)[1];
                int length = 0;
                for (String line : head.split("\r\n")) {
                    if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) length = Integer.parseInt(line.substring(15).trim());
                }
                byte[] body = in.readNBytes(length);
                if (!path.endsWith("/predict")) {
                    reply(out, 200, "{\"name\":\"hostile\",\"sample_shape\":" + JSON.writeValueAsString(model.sampleShape())
                            + ",\"num_classes\":" + model.numClasses() + ",\"policy\":\"" + (labels ? "top1" : "full")
                            + "\",\"labels_only\":" + labels + "}");
                    continue;
                }
                predictRequests.incrementAndGet();
                Fault f = script.poll();
                if (f == null) f = always;
                if (f == null) {
                    reply(out, 200, honestAnswer(body));
                    continue;
                }
                if (!misbehave(f, out, body)) return;
            }
        } catch (IOException | InterruptedException e) {
            // the client went away, or the server is closing
        }
    }

    /** Acts out {@code f}; false when the connection must end. */
    private boolean misbehave(Fault f, OutputStream out, byte[] request) throws IOException, InterruptedException {
        int n = JSON.readTree(request).get("inputs").size();
        int k = model.numClasses();
        switch (f) {
            case STALL_BEFORE_HEADERS -> {
                closed.await();
                return false;
            }
            case STALL_MID_BODY -> {
                String answer = honestAnswer(request);
                byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(bytes, 0, bytes.length / 2);
                out.flush();
                closed.await();
                return false;
            }
            case GARBAGE -> {
                out.write("\u0000\u00ff\u0013garbage\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return false;
            }
            case GARBAGE_BODY -> reply(out, 200, "<html>not json</html>");
            case CLOSE_EARLY -> {
                return false;
            }
            case HTTP_500 -> reply(out, 500, "{\"error\":\"injected failure\"}");
            case HTTP_429 -> {
                byte[] b = "{\"error\":\"slow down\"}".getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 429 Too Many Requests\r\nRetry-After: 1\r\nContent-Length: " + b.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(b);
                out.flush();
            }
            case ENDLESS_BODY -> {
                out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{\"probabilities\":[[0.1"
                        .getBytes(StandardCharsets.ISO_8859_1));
                byte[] chunk = ",0.1".repeat(4096).getBytes(StandardCharsets.ISO_8859_1);
                while (closed.getCount() > 0) out.write(chunk);    // until the client hangs up
                return false;
            }
            case HUGE_CONTENT_LENGTH -> {
                out.write("HTTP/1.1 200 OK\r\nContent-Length: 2000000000\r\n\r\n{\"probabilities\":[".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                closed.await();
                return false;
            }
            case ALL_ZERO -> reply(out, 200, rows(n, k, "0.0"));
            case ALL_ONE -> reply(out, 200, rows(n, k, "1.0"));
            case NAN_PROBABILITY -> reply(out, 200, rows(n, k, "\"NaN\""));
            case FRACTIONAL_LABEL -> reply(out, 200, "{\"labels\":[" + String.join(",", java.util.Collections.nCopies(n, "1.9")) + "]}");
            case LABEL_OUT_OF_RANGE -> reply(out, 200, "{\"labels\":[" + String.join(",", java.util.Collections.nCopies(n, String.valueOf(k))) + "]}");
        }
        return true;
    }

    private static String rows(int n, int k, String v) {
        String row = "[" + String.join(",", java.util.Collections.nCopies(k, v)) + "]";
        return "{\"probabilities\":[" + String.join(",", java.util.Collections.nCopies(n, row)) + "]}";
    }

    private String honestAnswer(byte[] request) throws IOException {
        JsonNode inputs = JSON.readTree(request).get("inputs");
        int n = inputs.size();
        float[][] rows = new float[n][];
        for (int i = 0; i < n; i++) {
            rows[i] = new float[inputs.get(i).size()];
            for (int j = 0; j < rows[i].length; j++) rows[i][j] = (float) inputs.get(i).get(j).asDouble();
        }
        long[] shape = model.sampleShape();
        long[] full = new long[shape.length + 1];
        full[0] = n;
        System.arraycopy(shape, 0, full, 1, shape.length);
        INDArray p = model.probabilities(Nd4j.create(rows).reshape(full));
        if (labels) return JSON.writeValueAsString(java.util.Map.of("labels", dev.robustgate.model.Predictions.argMax(p)));
        double[][] out = new double[n][];
        for (int i = 0; i < n; i++) out[i] = p.getRow(i, true).toDoubleVector();
        return JSON.writeValueAsString(java.util.Map.of("probabilities", out));
    }

    private static void reply(OutputStream out, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.write(b);
        out.flush();
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int b = in.read();
            if (b < 0) return null;
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1
                    : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }
}
