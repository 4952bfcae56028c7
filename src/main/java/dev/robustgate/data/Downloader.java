package dev.robustgate.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Downloads a file and puts it in place only once its checksum is verified, so that the final
 * name never holds a partial or wrong file, even if the JVM dies mid-download.
 */
public final class Downloader {

    /** Which bytes the expected checksum describes. */
    public enum ChecksumOf {
        /** The bytes as downloaded. */
        RAW,
        /** The bytes after gunzipping: stable when the same data is re-compressed elsewhere. */
        GUNZIPPED
    }

    private final HttpClient client;
    private final Duration requestTimeout;
    private final Duration totalTimeout;

    /** Connect timeout 30 s, response within 60 s, whole transfer within 15 min. */
    public Downloader() {
        this(Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofMinutes(15));
    }

    /**
     * @param requestTimeout until the response headers arrive
     * @param totalTimeout   for the whole transfer; HttpClient has no read timeout, so this is what
     *                       stops a stalled body
     */
    public Downloader(Duration connectTimeout, Duration requestTimeout, Duration totalTimeout) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                // Plain HTTP/1.1: the official Fashion-MNIST host is http-only, and h2c upgrade
                // attempts only add failure modes.
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.requestTimeout = requestTimeout;
        this.totalTimeout = totalTimeout;
    }

    /**
     * Downloads {@code url} to {@code target}, replacing any file there.
     *
     * @return {@code target}
     * @throws DataFormatException      if the downloaded bytes do not have {@code expectedSha256};
     *                                  nothing is left on disk
     * @throws DataUnavailableException if the server cannot be reached, answers other than 200,
     *                                  times out, or the target directory is not writable
     */
    public Path download(URI url, Path target, String expectedSha256, ChecksumOf checksumOf) {
        Path dir = target.toAbsolutePath().getParent();
        Path tmp;
        try {
            Files.createDirectories(dir);
            // Same directory as the target, so that the final move can be an atomic rename.
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
        } catch (IOException e) {
            throw new DataUnavailableException("cannot download " + url + " into " + dir + ": " + e, e);
        }
        try {
            fetch(url, tmp);
            String actual = checksum(url, target, tmp, checksumOf);
            if (!actual.equals(expectedSha256)) {
                throw new DataFormatException(target, "download from " + url + " has SHA-256 " + actual
                        + (checksumOf == ChecksumOf.GUNZIPPED ? " (decompressed)" : "") + ", expected "
                        + expectedSha256 + "; the file was discarded");
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new DataUnavailableException("cannot move download of " + url + " to " + target + ": " + e, e);
        } finally {
            deleteQuietly(tmp);
        }
    }

    private void fetch(URI url, Path tmp) {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(requestTimeout).GET().build();
        // Error bodies (404 pages) are discarded rather than written to the temp file.
        HttpResponse.BodyHandler<Path> handler = info -> info.statusCode() == 200
                ? HttpResponse.BodySubscribers.ofFile(tmp)
                : HttpResponse.BodySubscribers.<Path>replacing(null);
        CompletableFuture<HttpResponse<Path>> future = client.sendAsync(request, handler);
        HttpResponse<Path> response;
        try {
            response = future.get(totalTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new DataUnavailableException("download of " + url + " did not finish within " + totalTimeout, e);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new DataUnavailableException("download of " + url + " was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new DataUnavailableException("download of " + url + " failed: " + describe(cause), cause);
        }
        if (response.statusCode() != 200) {
            throw new DataUnavailableException("download of " + url + " failed: HTTP " + response.statusCode()
                    + (response.statusCode() == 404 ? " (not found)" : ""));
        }
    }

    private static String checksum(URI url, Path target, Path tmp, ChecksumOf checksumOf) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(tmp), 1 << 16)) {
            return Sha256.of(checksumOf == ChecksumOf.GUNZIPPED ? new GZIPInputStream(raw, 1 << 16) : raw);
        } catch (ZipException | EOFException e) {
            throw new DataFormatException(target, "download from " + url + " is not valid gzip (" + e.getMessage()
                    + "); the file was discarded", e);
        } catch (IOException e) {
            throw new DataUnavailableException("cannot read back the download of " + url + " from " + tmp + ": " + e, e);
        }
    }

    private static String describe(Throwable t) {
        // ConnectException and HttpTimeoutException often carry no message of their own.
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getClass().getSimpleName() + ": " + t.getMessage();
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // A left-over hidden .part file is harmless, and failing here would hide the real error.
        }
    }
}
