package dev.robustgate.data;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files (the MNIST family's format): two zero bytes, a type code, the number of
 * dimensions, that many big-endian int32 sizes, then the payload. Only unsigned bytes (type
 * 0x08) are supported, which is what every image and label file of that family uses.
 *
 * <p>Files are gunzipped when their name ends in {@code .gz} or their content starts with the
 * gzip magic, so both upstream archives and hand-decompressed copies work.
 */
public final class IdxReader {
    static final int TYPE_UNSIGNED_BYTE = 0x08;
    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;
    /** Largest payload a Java byte[] can hold. */
    private static final long MAX_PAYLOAD = Integer.MAX_VALUE - 8;
    private static final int INITIAL_CHUNK = 1 << 20;

    private IdxReader() {
    }

    /**
     * @throws DataFormatException      if the file is not a well-formed unsigned-byte IDX file
     *                                  (or not valid gzip); the message names the file
     * @throws DataUnavailableException if the file does not exist or cannot be read
     */
    public static IdxFile read(Path file) {
        MessageDigest digest = Sha256.newDigest();
        boolean gzip = false;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            gzip = file.getFileName().toString().endsWith(".gz") || startsWithGzipMagic(raw);
            InputStream decoded = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            // The checksum covers every decompressed byte, trailing garbage included, so that
            // it identifies the file exactly as published checksums do.
            DigestInputStream in = new DigestInputStream(decoded, digest);
            int[] dims = readHeader(file, in);
            byte[] payload = readPayload(file, in, payloadLength(file, dims));
            long trailing = in.transferTo(OutputStream.nullOutputStream());
            if (trailing > 0) {
                throw new DataFormatException(file, "trailing data: expected " + payload.length
                        + " bytes of payload, found " + (payload.length + trailing) + " (" + trailing
                        + " bytes after the end declared by the header " + Arrays.toString(dims) + ")");
            }
            return new IdxFile(file, dims, payload, Sha256.hex(digest));
        } catch (NoSuchFileException e) {
            throw new DataUnavailableException(file + ": file does not exist", e);
        } catch (AccessDeniedException e) {
            throw new DataUnavailableException(file + ": permission denied", e);
        } catch (ZipException | EOFException e) {
            // Thrown by GZIPInputStream for a wrong header, corrupt deflate data or a cut-off stream.
            if (gzip) {
                throw new DataFormatException(file, "not a valid gzip stream (" + e.getMessage()
                        + "); the file is corrupt or was cut off while copying", e);
            }
            throw new DataUnavailableException(file + ": cannot read: " + e, e);
        } catch (IOException e) {
            throw new DataUnavailableException(file + ": cannot read: " + e, e);
        }
    }

    private static boolean startsWithGzipMagic(InputStream in) throws IOException {
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        return b1 == GZIP_MAGIC_1 && b2 == GZIP_MAGIC_2;
    }

    private static int[] readHeader(Path file, InputStream in) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw new DataFormatException(file, "truncated: an IDX header needs at least 4 bytes, found "
                    + magic.length);
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DataFormatException(file, String.format(
                    "bad magic 0x%02x%02x%02x%02x: an IDX file starts with two zero bytes, a type code and the"
                            + " number of dimensions (is this an IDX file?)",
                    magic[0], magic[1], magic[2], magic[3]));
        }
        int type = magic[2] & 0xFF;
        if (type != TYPE_UNSIGNED_BYTE) {
            throw new DataFormatException(file, String.format(
                    "unsupported IDX element type 0x%02x: only unsigned byte (0x08) is supported", type));
        }
        int ndim = magic[3] & 0xFF;
        if (ndim == 0) {
            throw new DataFormatException(file, "bad header: number of dimensions is 0");
        }
        byte[] sizes = in.readNBytes(4 * ndim);
        if (sizes.length < 4 * ndim) {
            throw new DataFormatException(file, "truncated: the header declares " + ndim + " dimensions ("
                    + (4 + 4 * ndim) + " header bytes) but the file ends after " + (4 + sizes.length) + " bytes");
        }
        int[] dims = new int[ndim];
        for (int d = 0; d < ndim; d++) {
            int i = 4 * d;
            dims[d] = ((sizes[i] & 0xFF) << 24) | ((sizes[i + 1] & 0xFF) << 16)
                    | ((sizes[i + 2] & 0xFF) << 8) | (sizes[i + 3] & 0xFF);
            if (dims[d] <= 0) {
                throw new DataFormatException(file, "bad header: dimension " + d + " has size "
                        + Integer.toUnsignedString(dims[d]) + ", sizes must be positive int32 values");
            }
        }
        return dims;
    }

    private static int payloadLength(Path file, int[] dims) {
        long length = 1;
        for (int size : dims) {
            length *= size;
            if (length > MAX_PAYLOAD) {
                throw new DataFormatException(file, "bad header: dimensions " + Arrays.toString(dims)
                        + " describe more than " + MAX_PAYLOAD + " bytes, which cannot be loaded");
            }
        }
        return (int) length;
    }

    /**
     * Reads exactly {@code expected} bytes. The buffer grows with the data actually present rather
     * than being allocated from the header up front, so a corrupt header claiming gigabytes fails
     * as "truncated" instead of exhausting the heap.
     */
    private static byte[] readPayload(Path file, InputStream in, int expected) throws IOException {
        byte[] buf = new byte[Math.min(expected, INITIAL_CHUNK)];
        int filled = 0;
        while (true) {
            filled += in.readNBytes(buf, filled, buf.length - filled);
            if (filled < buf.length) {
                throw new DataFormatException(file, "truncated: expected " + expected
                        + " bytes of payload, found " + filled);
            }
            if (filled == expected) {
                return buf;
            }
            buf = Arrays.copyOf(buf, (int) Math.min(expected, 2L * buf.length));
        }
    }
}
