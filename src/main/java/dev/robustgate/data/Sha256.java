package dev.robustgate.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 in lower-case hex, the form published checksums and {@link Dataset#contentHash()} use. */
public final class Sha256 {
    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to provide SHA-256.
            throw new IllegalStateException(e);
        }
    }

    public static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String of(byte[] bytes) {
        MessageDigest md = newDigest();
        md.update(bytes);
        return hex(md);
    }

    public static String of(String... parts) {
        MessageDigest md = newDigest();
        for (String part : parts) {
            md.update(part.getBytes(StandardCharsets.UTF_8));
            // Separator so that ("ab", "c") and ("a", "bc") hash differently.
            md.update((byte) 0);
        }
        return hex(md);
    }

    /** Reads {@code in} to its end. */
    public static String of(InputStream in) throws IOException {
        MessageDigest md = newDigest();
        try (DigestInputStream din = new DigestInputStream(in, md)) {
            din.transferTo(OutputStream.nullOutputStream());
        }
        return hex(md);
    }

    public static boolean isHex(String s) {
        return s != null && s.matches("[0-9a-f]{64}");
    }
}
