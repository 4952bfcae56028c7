package dev.robustgate.data;

import java.util.Objects;

/**
 * One IDX file of a dataset.
 *
 * @param name   file name without {@code .gz}, e.g. {@code t10k-images-idx3-ubyte}; on disk it may be
 *               gzipped ({@code name.gz}) or not, and downloads fetch {@code name.gz}
 * @param sha256 SHA-256 (lower-case hex) of the decompressed bytes. Checksums of the .gz files
 *               would break whenever a distribution re-compresses them.
 */
public record DataFile(String name, String sha256) {
    public DataFile {
        Objects.requireNonNull(name, "name");
        if (name.endsWith(".gz")) {
            throw new IllegalArgumentException("give the file name without .gz: " + name);
        }
        if (!Sha256.isHex(sha256)) {
            throw new IllegalArgumentException("sha256 of " + name + " must be 64 lower-case hex digits, got " + sha256);
        }
    }

    /** The name under which it is published for download. */
    public String gzName() {
        return name + ".gz";
    }
}
