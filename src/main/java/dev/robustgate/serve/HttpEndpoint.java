package dev.robustgate.serve;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small HTTP/1.1 server for the prediction API: one selector thread reads every connection without
 * blocking, so a slow client costs a buffer, never a thread; only complete requests reach the bounded
 * worker pool that runs the model. Every request has a deadline for its headers and body
 * ({@link HttpLimits#requestDeadline()}), bodies are capped by their declared Content-Length before any
 * byte is read, and the bodies held at once are capped over all connections.
 *
 * <p>Why not the JDK's {@code com.sun.net.httpserver}: it reads headers and bodies on its worker
 * threads and has no per-request deadline (only JVM-wide system properties read once), so two clients
 * sending half their headers held both workers for over 110 s (issue 15). Why not Jetty or Undertow:
 * their header protection is an idle timeout per read, which a client sending a byte just inside it
 * never trips, and the API needs only Content-Length bodies on two routes. Chunked request bodies are
 * refused with 411.
 */
final class HttpEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);
    private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    /** How often deadlines are swept; a deadline is enforced to within this. */
    private static final long SWEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** After an early refusal (413 and such), unread request bytes are drained this long, so the client sees the answer rather than a reset. */
    private static final long LINGER_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long LINGER_BYTES = 1 << 20;

    /** A complete request. Header names are lower case. */
    record Request(String method, String path, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** An answer; {@code headers} are extra headers such as Retry-After. */
    record Response(int status, byte[] body, Map<String, String> headers) {
        static Response json(int status, byte[] body) {
            return new Response(status, body, Map.of());
        }
    }

    /** Runs on a worker thread; an exception becomes a generic 500 (logged with its detail). */
    interface Handler {
        Response handle(Request request) throws Exception;

        /** The body for an error the endpoint itself answers (408, 411, 413, 431, 503, ...). */
        byte[] errorBody(String message);
    }

    private final HttpLimits limits;
    private final Handler handler;
    private final ServerSocketChannel server;
    private final Selector selector;
    private final ThreadPoolExecutor workers;
    private final Thread loop;
    private final Queue<Runnable> fromWorkers = new ConcurrentLinkedQueue<>();
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong(), tooLarge = new AtomicLong(), busy = new AtomicLong(),
            connectionsRefused = new AtomicLong(), malformed = new AtomicLong(), internalErrors = new AtomicLong();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 << 10);
    private int open;
    private long nextSweep;
    private volatile boolean closed;

    HttpEndpoint(InetSocketAddress bind, HttpLimits limits, Handler handler, String name) throws IOException {
        this.limits = limits;
        this.handler = handler;
        this.selector = Selector.open();
        this.server = ServerSocketChannel.open();
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(bind, 1024);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
        } catch (IOException e) {
            server.close();
            selector.close();
            throw e;
        }
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(limits.workers(), limits.workers(), 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(limits.maxQueued()), r -> {
                    Thread t = new Thread(r, "robustgate-serve-" + name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        this.loop = new Thread(this::run, "robustgate-serve-" + name + "-io");
        loop.setDaemon(true);
        loop.start();
    }

    InetSocketAddress address() {
        try {
            return (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            throw new IllegalStateException("the server socket is closed", e);
        }
    }

    TransportCounts counts() {
        return new TransportCounts(timedOut.get(), tooLarge.get(), busy.get(), connectionsRefused.get(), malformed.get(),
                internalErrors.get());
    }

    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        workers.shutdownNow();
    }

    // ---------------------------------------------------------------- the selector loop

    private enum Phase { HEAD, BODY, WORKING, WRITING, LINGERING }

    /** One connection's state; touched by the selector thread only. */
    private final class Conn {
        final SocketChannel ch;
        SelectionKey key;
        Phase phase = Phase.HEAD;
        long deadline;
        byte[] head = new byte[1024];
        int headFill;
        String method, path;
        Map<String, String> headers;
        boolean keepAlive;
        byte[] body;
        int bodyFill;
        long reserved;
        byte[] carry;   // bytes read past the end of a request (pipelining), replayed after the answer
        ByteBuffer out;
        boolean closeAfterWrite;
        long lingered;

        Conn(SocketChannel ch) {
            this.ch = ch;
            this.deadline = System.nanoTime() + limits.requestDeadline().toNanos();
        }
    }

    private void run() {
        try {
            while (!closed) {
                long now = System.nanoTime();
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(Math.max(0, nextSweep - now)) + 1));
                Runnable r;
                while ((r = fromWorkers.poll()) != null) r.run();
                for (var it = selector.selectedKeys().iterator(); it.hasNext(); ) {
                    SelectionKey k = it.next();
                    it.remove();
                    if (!k.isValid()) continue;
                    if (k.isAcceptable()) {
                        accept();
                    } else {
                        Conn c = (Conn) k.attachment();
                        try {
                            if (k.isReadable()) onReadable(c);
                            if (k.isValid() && k.isWritable()) onWritable(c);
                        } catch (IOException | RuntimeException e) {
                            drop(c);
                        }
                    }
                }
                if (System.nanoTime() - nextSweep >= 0) {
                    sweepDeadlines();
                    nextSweep = System.nanoTime() + SWEEP_NANOS;
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("prediction API stopped: {}", e.toString(), e);
        } finally {
            for (SelectionKey k : new ArrayList<>(selector.keys())) closeQuietly(k);
            try {
                selector.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    private void accept() throws IOException {
        SocketChannel ch;
        while ((ch = server.accept()) != null) {
            if (open >= limits.maxConnections()) {
                connectionsRefused.incrementAndGet();
                ch.close();
                continue;
            }
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            Conn c = new Conn(ch);
            c.key = ch.register(selector, SelectionKey.OP_READ, c);
            open++;
        }
    }

    private void sweepDeadlines() {
        long now = System.nanoTime();
        for (SelectionKey k : selector.keys()) {
            if (!(k.attachment() instanceof Conn c) || !k.isValid() || c.deadline - now > 0) continue;
            switch (c.phase) {
                case HEAD, BODY -> {
                    if (c.phase == Phase.HEAD && c.headFill == 0 && c.carry == null) {
                        drop(c);    // an idle kept-alive connection: nothing was asked, nothing to answer
                    } else {
                        timedOut.incrementAndGet();
                        refuseAndClose(c, 408, "request not complete within " + limits.requestDeadline().toMillis() + " ms");
                    }
                }
                case WRITING, LINGERING -> drop(c);
                case WORKING -> { /* the model's time is bounded by the worker pool, not by this deadline */ }
            }
        }
    }

    private void onReadable(Conn c) throws IOException {
        readBuffer.clear();
        int n = c.ch.read(readBuffer);
        if (n < 0) {
            drop(c);
            return;
        }
        readBuffer.flip();
        byte[] bytes = new byte[readBuffer.remaining()];
        readBuffer.get(bytes);
        if (c.phase == Phase.LINGERING) {
            c.lingered += bytes.length;
            if (c.lingered > LINGER_BYTES) drop(c);
            return;
        }
        feed(c, bytes, 0, bytes.length);
    }

    /** Consumes request bytes in the HEAD or BODY phase; bytes past the request are kept for the next one. */
    private void feed(Conn c, byte[] bytes, int from, int to) {
        int i = from;
        if (c.phase == Phase.HEAD) {
            int end = appendHead(c, bytes, from, to);
            if (end == -2) return;          // refused (431)
            if (end < 0) return;            // headers incomplete: wait for more
            i = end;
            if (!startBody(c)) {            // refused, or a request without a body dispatched
                if (c.phase == Phase.WORKING && i < to) c.carry = java.util.Arrays.copyOfRange(bytes, i, to);
                return;
            }
        }
        if (c.phase == Phase.BODY) {
            int take = Math.min(to - i, c.body.length - c.bodyFill);
            System.arraycopy(bytes, i, c.body, c.bodyFill, take);
            c.bodyFill += take;
            i += take;
            if (c.bodyFill == c.body.length) dispatch(c);
        }
        if (i < to && c.phase == Phase.WORKING) {
            c.carry = java.util.Arrays.copyOfRange(bytes, i, to);
        }
    }

    /**
     * Appends to the head buffer; returns the index in {@code bytes} just past the blank line that ends
     * the headers, -1 if it has not arrived yet, -2 if the head was refused.
     */
    private int appendHead(Conn c, byte[] bytes, int from, int to) {
        int scanFrom = Math.max(0, c.headFill - 3);
        int room = limits.maxHeaderBytes() - c.headFill;
        int take = Math.min(to - from, room);
        if (c.head.length < c.headFill + take) {
            c.head = java.util.Arrays.copyOf(c.head, Math.min(limits.maxHeaderBytes(), Math.max(c.head.length * 2, c.headFill + take)));
        }
        System.arraycopy(bytes, from, c.head, c.headFill, take);
        c.headFill += take;
        for (int j = scanFrom; j + 3 < c.headFill; j++) {
            if (c.head[j] == '\r' && c.head[j + 1] == '\n' && c.head[j + 2] == '\r' && c.head[j + 3] == '\n') {
                int headEnd = j + 4;
                if (!parseHead(c, headEnd)) return -2;
                return from + (headEnd - (c.headFill - take));
            }
        }
        if (c.headFill >= limits.maxHeaderBytes()) {
            malformed.incrementAndGet();
            refuseAndClose(c, 431, "request headers exceed " + limits.maxHeaderBytes() + " bytes");
            return -2;
        }
        return -1;
    }

    private boolean parseHead(Conn c, int headEnd) {
        String text = new String(c.head, 0, headEnd - 4, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r\n", -1);
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/1.") || requestLine[0].isEmpty()) {
            malformed.incrementAndGet();
            refuseAndClose(c, 400, "malformed request line");
            return false;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                malformed.incrementAndGet();
                refuseAndClose(c, 400, "malformed header line " + i);
                return false;
            }
            headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim(), (a, b) -> a + "," + b);
        }
        c.method = requestLine[0];
        String target = requestLine[1];
        int q = target.indexOf('?');
        c.path = q < 0 ? target : target.substring(0, q);
        c.headers = headers;
        String connection = headers.getOrDefault("connection", "").toLowerCase(Locale.ROOT);
        c.keepAlive = requestLine[2].equals("HTTP/1.1") ? !connection.contains("close") : connection.contains("keep-alive");
        return true;
    }

    /** After the headers: checks the declared body and reserves room for it. False when nothing more is to be read. */
    private boolean startBody(Conn c) {
        if (c.headers.containsKey("transfer-encoding")) {
            malformed.incrementAndGet();
            refuseAndClose(c, 411, "send the body with a Content-Length (chunked bodies are not accepted)");
            return false;
        }
        String declared = c.headers.get("content-length");
        long length;
        try {
            length = declared == null ? 0 : Long.parseLong(declared);
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (length < 0) {
            malformed.incrementAndGet();
            refuseAndClose(c, 400, "invalid Content-Length");
            return false;
        }
        if (declared == null && c.method.equals("POST")) {
            malformed.incrementAndGet();
            refuseAndClose(c, 411, "a POST needs a Content-Length");
            return false;
        }
        if (length > limits.maxBodyBytes()) {
            tooLarge.incrementAndGet();
            refuseAndClose(c, 413, "request body of " + length + " bytes; at most " + limits.maxBodyBytes());
            return false;
        }
        if (!reserve(length)) {
            busy.incrementAndGet();
            refuseAndClose(c, 503, "server busy: too many request bodies in flight; retry later");
            return false;
        }
        c.reserved = length;
        c.body = new byte[(int) length];
        c.bodyFill = 0;
        c.phase = Phase.BODY;
        if (length > 0 && "100-continue".equalsIgnoreCase(c.headers.get("expect"))) {
            try {
                c.ch.write(ByteBuffer.wrap(CONTINUE));   // 25 bytes into an empty socket buffer
            } catch (IOException e) {
                drop(c);
                return false;
            }
        }
        if (length == 0) {
            dispatch(c);
            return false;
        }
        return true;
    }

    private boolean reserve(long bytes) {
        while (true) {
            long now = buffered.get();
            if (now + bytes > limits.maxBufferedBytes()) return false;
            if (buffered.compareAndSet(now, now + bytes)) return true;
        }
    }

    private void dispatch(Conn c) {
        c.phase = Phase.WORKING;
        c.key.interestOps(0);
        Request req = new Request(c.method, c.path, Map.copyOf(c.headers), c.body);
        long reserved = c.reserved;
        c.body = null;
        c.reserved = 0;
        try {
            workers.execute(() -> {
                Response r;
                try {
                    r = handler.handle(req);
                } catch (Exception | Error e) {
                    long ref = internalErrors.incrementAndGet();
                    LOG.error("prediction API: internal error #{} on {} {}", ref, req.method(), req.path(), e);
                    r = Response.json(500, handler.errorBody("internal error (reference " + ref + " in the server log)"));
                } finally {
                    buffered.addAndGet(-reserved);
                }
                Response answer = r;
                fromWorkers.add(() -> respond(c, answer, !c.keepAlive));
                selector.wakeup();
            });
        } catch (RejectedExecutionException e) {
            buffered.addAndGet(-reserved);
            busy.incrementAndGet();
            respond(c, new Response(503, handler.errorBody("server busy: " + limits.maxQueued()
                    + " requests already queued; retry later"), Map.of("Retry-After", "1")), !c.keepAlive);
        }
    }

    // ---------------------------------------------------------------- answers

    private void refuseAndClose(Conn c, int status, String message) {
        if (c.reserved > 0) {
            buffered.addAndGet(-c.reserved);
            c.reserved = 0;
        }
        respond(c, Response.json(status, handler.errorBody(message)), true);
    }

    private void respond(Conn c, Response r, boolean close) {
        if (!c.key.isValid()) return;
        StringBuilder h = new StringBuilder(160).append("HTTP/1.1 ").append(r.status()).append(' ').append(reason(r.status()))
                .append("\r\nContent-Type: application/json\r\nContent-Length: ").append(r.body().length)
                .append("\r\nConnection: ").append(close ? "close" : "keep-alive").append("\r\n");
        r.headers().forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
        h.append("\r\n");
        byte[] head = h.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(head.length + r.body().length);
        out.put(head).put(r.body()).flip();
        c.out = out;
        c.closeAfterWrite = close;
        c.phase = Phase.WRITING;
        c.deadline = System.nanoTime() + limits.requestDeadline().toNanos();
        c.key.interestOps(SelectionKey.OP_WRITE);
        try {
            onWritable(c);
        } catch (IOException e) {
            drop(c);
        }
    }

    private void onWritable(Conn c) throws IOException {
        if (c.phase != Phase.WRITING) return;
        c.ch.write(c.out);
        if (c.out.hasRemaining()) return;
        c.out = null;
        if (c.closeAfterWrite) {
            // Drain what the client is still sending (a refused body) so that it reads our answer, not a reset.
            c.ch.shutdownOutput();
            c.phase = Phase.LINGERING;
            c.deadline = System.nanoTime() + Math.min(LINGER_NANOS, limits.requestDeadline().toNanos());
            c.key.interestOps(SelectionKey.OP_READ);
            return;
        }
        c.phase = Phase.HEAD;
        c.headFill = 0;
        c.headers = null;
        c.deadline = System.nanoTime() + limits.requestDeadline().toNanos();
        c.key.interestOps(SelectionKey.OP_READ);
        if (c.carry != null) {
            byte[] carry = c.carry;
            c.carry = null;
            feed(c, carry, 0, carry.length);
        }
    }

    private void drop(Conn c) {
        if (c.reserved > 0) {
            buffered.addAndGet(-c.reserved);
            c.reserved = 0;
        }
        closeQuietly(c.key);
    }

    private void closeQuietly(SelectionKey k) {
        if (k.attachment() instanceof Conn && k.isValid()) open--;
        k.cancel();
        try {
            k.channel().close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 408 -> "Request Timeout";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 429 -> "Too Many Requests";
            case 431 -> "Request Header Fields Too Large";
            case 503 -> "Service Unavailable";
            default -> status >= 500 ? "Server Error" : "Error";
        };
    }
}
