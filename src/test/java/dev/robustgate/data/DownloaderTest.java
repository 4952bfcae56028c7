package dev.robustgate.data;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import static dev.robustgate.data.IdxTestFiles.gzip;
import static dev.robustgate.data.IdxTestFiles.randomBytes;
import static dev.robustgate.data.IdxTestFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DownloaderTest {
    @TempDir
    Path dir;

    private LoopbackServer server;
    private final Downloader downloader = new Downloader(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30));

    @BeforeEach
    void startServer() throws IOException {
        server = new LoopbackServer();
    }

    @AfterEach
    void stopServer() {
        server.close();
    }

    @Test
    void downloadsAndVerifiesRawBytes() throws IOException {
        byte[] body = randomBytes(100_000, 5);
        server.serve("/data.bin", body);
        Path target = dir.resolve("data.bin");

        Path result = downloader.download(server.uri("/data.bin"), target, sha256(body), Downloader.ChecksumOf.RAW);

        assertThat(result).isEqualTo(target);
        assertThat(Files.readAllBytes(target)).isEqualTo(body);
        assertThat(filesIn(dir)).containsExactly("data.bin");
    }

    @Test
    void verifiesDecompressedBytesButStoresTheGzipAsServed() throws IOException {
        byte[] content = randomBytes(10_000, 6);
        byte[] gz = gzip(content);
        server.serve("/x.gz", gz);
        Path target = dir.resolve("sub/dir/x.gz");

        downloader.download(server.uri("/x.gz"), target, sha256(content), Downloader.ChecksumOf.GUNZIPPED);

        assertThat(Files.readAllBytes(target)).isEqualTo(gz);
    }

    @Test
    void followsRedirects() throws IOException {
        byte[] body = randomBytes(1000, 8);
        server.serve("/real/file", body).redirect("/moved/file", "/real/file");
        Path target = dir.resolve("file");

        downloader.download(server.uri("/moved/file"), target, sha256(body), Downloader.ChecksumOf.RAW);

        assertThat(Files.readAllBytes(target)).isEqualTo(body);
    }

    @Test
    void wrongChecksumLeavesNoFileAndNamesUrlAndBothChecksums() throws IOException {
        byte[] body = randomBytes(1000, 9);
        server.serve("/data.bin", body);
        Path target = dir.resolve("data.bin");
        String expected = "0".repeat(64);
        URI url = server.uri("/data.bin");

        assertThatThrownBy(() -> downloader.download(url, target, expected, Downloader.ChecksumOf.RAW))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(url.toString())
                .hasMessageContaining(expected)
                .hasMessageContaining(sha256(body));
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void wrongChecksumKeepsAnExistingFileUntouched() throws IOException {
        byte[] old = {1, 2, 3};
        Path target = IdxTestFiles.write(dir.resolve("data.bin"), old);
        server.serve("/data.bin", randomBytes(1000, 10));

        assertThatThrownBy(() -> downloader.download(server.uri("/data.bin"), target, sha256(old), Downloader.ChecksumOf.RAW))
                .isInstanceOf(DataFormatException.class);
        assertThat(Files.readAllBytes(target)).isEqualTo(old);
        assertThat(filesIn(dir)).containsExactly("data.bin");
    }

    @Test
    void notGzipWhenGunzipVerificationWasAskedFor() throws IOException {
        server.serve("/x.gz", randomBytes(100, 11));
        URI url = server.uri("/x.gz");
        assertThatThrownBy(() -> downloader.download(url, dir.resolve("x.gz"), "0".repeat(64), Downloader.ChecksumOf.GUNZIPPED))
                .isInstanceOf(DataFormatException.class)
                .hasMessageContaining(url.toString())
                .hasMessageContaining("not valid gzip");
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void notFoundIsAClearUnavailableError() throws IOException {
        URI url = server.uri("/missing.gz");
        assertThatThrownBy(() -> downloader.download(url, dir.resolve("missing.gz"), "0".repeat(64), Downloader.ChecksumOf.RAW))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining(url.toString())
                .hasMessageContaining("HTTP 404");
        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void refusedConnectionIsAClearUnavailableError() throws IOException {
        URI url = server.uri("/x");
        server.close();
        assertThatThrownBy(() -> downloader.download(url, dir.resolve("x"), "0".repeat(64), Downloader.ChecksumOf.RAW))
                .isInstanceOf(DataUnavailableException.class)
                .hasMessageContaining(url.toString())
                .hasMessageContaining("failed");
        assertThat(filesIn(dir)).isEmpty();
    }

    /** Every regular file under dir, hidden temp files included. */
    static List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }
}
