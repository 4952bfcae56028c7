package dev.robustgate.cli;

import dev.robustgate.fixture.Victims;
import dev.robustgate.model.Classifier;
import dev.robustgate.serve.HttpLimits;
import dev.robustgate.serve.OutputPolicy;
import dev.robustgate.serve.PredictionServer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ./robustgate serve}: a victim or a model file behind the prediction API (see
 * {@link PredictionServer}), on loopback unless told otherwise, until the process is stopped. For
 * red-team exercises by hand, clients of a team's own, and load tests that drive the real server from
 * outside the JVM.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Serve a victim or a model file over HTTP (GET /info, POST /predict) until stopped.",
                "Clients send pixels in [0,1]; a --model file's own range and normalisation (--input-range, --mean, --std) are applied inside.",
                "Listens on loopback unless --bind names another address."})
final class ServeCommand implements Callable<Integer> {
    @ArgGroup(multiplicity = "1")
    ModelSource source;

    @picocli.CommandLine.Mixin
    ModelInputOptions input;

    @Option(names = "--port", required = true, paramLabel = "P", description = "TCP port; 0 picks a free one (printed).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}). Anything but loopback exposes the model; use --api-key-env.")
    String bind;

    @Option(names = "--policy", paramLabel = "POLICY", defaultValue = "full",
            description = "What answers reveal: full, top1, rounded(k) or noise(sigma) (default: ${DEFAULT-VALUE}).")
    String policy;

    @Option(names = "--api-key-env", paramLabel = "VAR",
            description = "Require the key held in environment variable VAR in the X-Api-Key header.")
    String apiKeyEnv;

    @Option(names = "--rate-limit", paramLabel = "R",
            description = "At most R queries (samples) per second, in bursts of up to R (default: unlimited).")
    Double rateLimit;

    @Option(names = "--max-batch", paramLabel = "N", defaultValue = "1024", description = "Samples per request (default: ${DEFAULT-VALUE}).")
    int maxBatch;

    @Option(names = "--deadline", paramLabel = "SECONDS", defaultValue = "10",
            description = "Time a request has for its headers and body (default: ${DEFAULT-VALUE}).")
    double deadlineSeconds;

    @Option(names = "--max-body-mb", paramLabel = "MB", defaultValue = "16", description = "Largest request body (default: ${DEFAULT-VALUE}).")
    double maxBodyMb;

    @Option(names = "--workers", paramLabel = "N", description = "Threads running the model (default: one per core).")
    Integer workers;

    /** Counted down to stop serving: by the JVM's shutdown (Ctrl-C, SIGTERM), or by a test. */
    final CountDownLatch stop = new CountDownLatch(1);
    /** The server while it runs, for tests. */
    volatile PredictionServer running;

    @Override
    public Integer call() throws Exception {
        PredictionServer.Settings settings = settings();
        InetSocketAddress address = address();
        Victims victims = Victims.standard();
        source.checked(victims, input);
        Classifier model = source.loadAny(victims, input);
        ModelSource.announceBlackBox(model);
        PredictionServer server;
        try {
            server = PredictionServer.start(model, settings, address);
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("--bind " + bind + " --port " + port + ": " + e.getMessage(), e);
        }
        Thread hook = new Thread(() -> {
            server.close();
            stop.countDown();
        }, "robustgate-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (!address.getAddress().isLoopbackAddress() && settings.apiKey() == null) {
            System.err.println("robustgate serve: warning: listening on " + bind + " without --api-key-env; anyone who can reach it may query the model");
        }
        HttpLimits l = settings.limits();
        System.out.println("serving " + source.label() + " at " + server.uri() + " (policy " + settings.policy().describe()
                + (settings.apiKey() != null ? ", API key required" : "")
                + (rateLimit != null ? ", " + rateLimit + " queries/s" : "")
                + "; deadline " + l.requestDeadline().toMillis() + " ms, bodies <= " + l.maxBodyBytes() + " bytes, "
                + l.workers() + " workers, batches <= " + settings.maxBatch() + ")");
        System.out.flush();
        running = server;
        try {
            stop.await();
        } finally {
            running = null;
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running
            }
        }
        return 0;
    }

    /** Every option checked before a model is loaded (which may mean training it). */
    private PredictionServer.Settings settings() {
        if (port < 0 || port > 65535) throw new IllegalArgumentException("--port must be in [0, 65535], got " + port);
        if (!(deadlineSeconds > 0) || deadlineSeconds > 3600) {
            throw new IllegalArgumentException("--deadline must be in (0, 3600] seconds, got " + deadlineSeconds);
        }
        if (!(maxBodyMb > 0) || maxBodyMb > 1024) throw new IllegalArgumentException("--max-body-mb must be in (0, 1024], got " + maxBodyMb);
        if (workers != null && (workers < 1 || workers > 256)) throw new IllegalArgumentException("--workers must be in [1, 256], got " + workers);
        HttpLimits limits = HttpLimits.forThisMachine()
                .withRequestDeadline(Duration.ofMillis(Math.max(1, Math.round(deadlineSeconds * 1000))))
                .withMaxBodyBytes(Math.round(maxBodyMb * (1 << 20)));
        if (workers != null) limits = limits.withWorkers(workers);
        PredictionServer.Settings s = PredictionServer.Settings.open().withLimits(limits).withPolicy(OutputPolicy.parse(policy))
                .withMaxBatch(maxBatch);
        if (apiKeyEnv != null) {
            String key = System.getenv(apiKeyEnv);
            if (key == null || key.isEmpty()) {
                throw new IllegalArgumentException("--api-key-env " + apiKeyEnv + ": that environment variable is unset or empty");
            }
            s = s.withApiKey(key);
        }
        if (rateLimit != null) {
            if (!(rateLimit > 0) || !Double.isFinite(rateLimit)) {
                throw new IllegalArgumentException("--rate-limit must be a number of queries per second > 0, got " + rateLimit);
            }
            s = s.withRateLimit(Math.max(1, rateLimit), rateLimit);
        }
        return s;
    }

    private InetSocketAddress address() {
        try {
            return new InetSocketAddress(InetAddress.getByName(bind), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("--bind " + bind + ": not an address of this machine (" + e.getMessage() + ")");
        }
    }
}
