package dev.robustgate.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The .npy reader on hand-written files: every supported dtype in both byte orders, the three header
 * versions, the shape forms NumPy writes, and each refusal with its reason.
 */
class NpyArrayTest {
    private static final Path FILE = Path.of("a.npy");

    /** A .npy of {@code version} (1: 2-byte header length; 2, 3: 4-byte) with the given header fields. */
    static byte[] npy(int version, String descr, String fortran, String shape, byte[] data) {
        String header = "{'descr': '" + descr + "', 'fortran_order': " + fortran + ", 'shape': " + shape + ", }";
        int prefix = version == 1 ? 10 : 12;
        int total = prefix + header.length() + 1;
        header = header + " ".repeat((64 - total % 64) % 64) + "\n";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) version, 0});
        byte[] h = header.getBytes(version == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        if (version == 1) {
            out.write(h.length & 0xff);
            out.write(h.length >> 8);
        } else {
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(h.length).array());
        }
        out.writeBytes(h);
        out.writeBytes(data);
        return out.toByteArray();
    }

    static byte[] npy(String descr, String shape, byte[] data) {
        return npy(1, descr, "False", shape, data);
    }

    private static ByteBuffer buf(int bytes, ByteOrder order) {
        return ByteBuffer.allocate(bytes).order(order);
    }

    @Test
    void floatsInBothByteOrders() {
        byte[] le = buf(8, ByteOrder.LITTLE_ENDIAN).putFloat(1.5f).putFloat(-2.25f).array();
        NpyArray a = NpyArray.parse(FILE, npy("<f4", "(2,)", le));
        assertThat(a.values()).containsExactly(1.5, -2.25);
        assertThat(a.dtype()).isEqualTo("<f4");
        assertThat(a.shape()).containsExactly(2);
        byte[] be = buf(16, ByteOrder.BIG_ENDIAN).putDouble(0.1).putDouble(1e300).array();
        assertThat(NpyArray.parse(FILE, npy(">f8", "(2,)", be)).values()).containsExactly(0.1, 1e300);
        byte[] le8 = buf(8, ByteOrder.LITTLE_ENDIAN).putDouble(-3.0).array();
        assertThat(NpyArray.parse(FILE, npy("=f8", "(1,)", le8)).values()).containsExactly(-3.0);
    }

    @Test
    void unsignedIntegersOfEveryWidth() {
        assertThat(NpyArray.parse(FILE, npy("|u1", "(2,)", new byte[]{(byte) 255, 7})).values()).containsExactly(255, 7);
        assertThat(NpyArray.parse(FILE, npy("<u2", "(1,)", buf(2, ByteOrder.LITTLE_ENDIAN).putShort((short) 0xFFFE).array()))
                .values()).containsExactly(65534);
        assertThat(NpyArray.parse(FILE, npy(">u2", "(1,)", buf(2, ByteOrder.BIG_ENDIAN).putShort((short) 300).array()))
                .values()).containsExactly(300);
        assertThat(NpyArray.parse(FILE, npy("<u4", "(1,)", buf(4, ByteOrder.LITTLE_ENDIAN).putInt(0xFFFFFFFF).array()))
                .values()).containsExactly(4294967295.0);
        assertThat(NpyArray.parse(FILE, npy("<u8", "(1,)", buf(8, ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array()))
                .values()).containsExactly((double) (1L << 40));
    }

    @Test
    void theSecondValueOfEveryWidthIsReadAtItsOffset() {
        assertThat(NpyArray.parse(FILE, npy("<u2", "(2,)", buf(4, ByteOrder.LITTLE_ENDIAN).putShort((short) 1).putShort((short) 2).array()))
                .values()).containsExactly(1, 2);
        assertThat(NpyArray.parse(FILE, npy("<u4", "(2,)", buf(8, ByteOrder.LITTLE_ENDIAN).putInt(3).putInt(4).array()))
                .values()).containsExactly(3, 4);
        assertThat(NpyArray.parse(FILE, npy("<u8", "(2,)", buf(16, ByteOrder.LITTLE_ENDIAN).putLong(5).putLong(6).array()))
                .values()).containsExactly(5, 6);
        assertThat(NpyArray.parse(FILE, npy("<i2", "(2,)", buf(4, ByteOrder.LITTLE_ENDIAN).putShort((short) -7).putShort((short) 8).array()))
                .values()).containsExactly(-7, 8);
        assertThat(NpyArray.parse(FILE, npy("<i8", "(2,)", buf(16, ByteOrder.LITTLE_ENDIAN).putLong(-9).putLong(10).array()))
                .values()).containsExactly(-9, 10);
    }

    @Test
    void sizeLimitsAtTheirEdges() {
        // 2^31 values is the limit itself: allowed by size, then refused as truncated (no data follows).
        assertThatThrownBy(() -> NpyArray.parse(FILE, npy("|u1", "(2147483648,)", new byte[0])))
                .hasMessageContaining("truncated: shape [2147483648]");
        // Ten bytes (magic, version, an empty header): past the magic check, then no 'descr'.
        assertThatThrownBy(() -> NpyArray.parse(FILE, new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0, 0}))
                .hasMessageContaining("the .npy header has no 'descr'");
    }

    @Test
    void signedIntegersOfEveryWidthAndBooleans() {
        assertThat(NpyArray.parse(FILE, npy("|i1", "(2,)", new byte[]{-3, 4})).values()).containsExactly(-3, 4);
        assertThat(NpyArray.parse(FILE, npy("<i2", "(1,)", buf(2, ByteOrder.LITTLE_ENDIAN).putShort((short) -300).array()))
                .values()).containsExactly(-300);
        assertThat(NpyArray.parse(FILE, npy("<i4", "(2,)", buf(8, ByteOrder.LITTLE_ENDIAN).putInt(-70000).putInt(5).array()))
                .values()).containsExactly(-70000, 5);
        assertThat(NpyArray.parse(FILE, npy(">i8", "(1,)", buf(8, ByteOrder.BIG_ENDIAN).putLong(-(1L << 40)).array()))
                .values()).containsExactly((double) -(1L << 40));
        assertThat(NpyArray.parse(FILE, npy("|b1", "(3,)", new byte[]{0, 1, 2})).values()).containsExactly(0, 1, 1);
    }

    @Test
    void shapesAsNumPyWritesThem() {
        NpyArray m = NpyArray.parse(FILE, npy("|u1", "(2, 3)", new byte[]{1, 2, 3, 4, 5, 6}));
        assertThat(m.shape()).containsExactly(2, 3);
        assertThat(m.count()).isEqualTo(6);
        assertThat(m.values()).containsExactly(1, 2, 3, 4, 5, 6);
        NpyArray scalar = NpyArray.parse(FILE, npy("|u1", "()", new byte[]{9}));
        assertThat(scalar.shape()).isEmpty();
        assertThat(scalar.count()).isEqualTo(1);
        assertThat(scalar.values()).containsExactly(9);
        NpyArray empty = NpyArray.parse(FILE, npy("|u1", "(0,)", new byte[0]));
        assertThat(empty.count()).isZero();
        assertThat(empty.values()).isEmpty();
        // A Fortran-ordered vector is the same as a C-ordered one: accepted.
        assertThat(NpyArray.parse(FILE, npy(1, "|u1", "True", "(2,)", new byte[]{1, 2})).values()).containsExactly(1, 2);
        // Extra bytes after the data are ignored.
        assertThat(NpyArray.parse(FILE, npy("|u1", "(1,)", new byte[]{4, 5})).values()).containsExactly(4);
    }

    @Test
    void headerVersionsTwoAndThree() {
        byte[] data = {1, 2};
        assertThat(NpyArray.parse(FILE, npy(2, "|u1", "False", "(2,)", data)).values()).containsExactly(1, 2);
        assertThat(NpyArray.parse(FILE, npy(3, "|u1", "False", "(2,)", data)).values()).containsExactly(1, 2);
    }

    @Test
    void refusalsNameTheProblem() {
        assertThatThrownBy(() -> NpyArray.parse(FILE, new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0}))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("no \\x93NUMPY magic");
        byte[] wrongMagic = npy("|u1", "(1,)", new byte[]{1});
        wrongMagic[5] = 'X';
        assertThatThrownBy(() -> NpyArray.parse(FILE, wrongMagic)).hasMessageContaining("no \\x93NUMPY magic");
        byte[] v4 = npy("|u1", "(1,)", new byte[]{1});
        v4[6] = 4;
        assertThatThrownBy(() -> NpyArray.parse(FILE, v4)).hasMessageContaining(".npy version 4 is not supported");
        byte[] v0 = npy("|u1", "(1,)", new byte[]{1});
        v0[6] = 0;
        assertThatThrownBy(() -> NpyArray.parse(FILE, v0)).hasMessageContaining(".npy version 0");
        byte[] ok = npy("|u1", "(1,)", new byte[]{1});
        assertThatThrownBy(() -> NpyArray.parse(FILE, java.util.Arrays.copyOf(ok, 40))).hasMessageContaining("truncated .npy header");
        byte[] negative = npy(2, "|u1", "False", "(1,)", new byte[]{1});
        negative[11] = (byte) 0x80;
        assertThatThrownBy(() -> NpyArray.parse(FILE, negative)).hasMessageContaining("truncated .npy header");
        assertThatThrownBy(() -> NpyArray.parse(FILE, npy("|u1", "(3,)", new byte[]{1, 2})))
                .hasMessageContaining("truncated: shape [3] of |u1 needs 3 bytes, the file has 2");
        assertThatThrownBy(() -> NpyArray.parse(FILE, npy("<f4", "(2,)", new byte[7])))
                .hasMessageContaining("needs 8 bytes, the file has 7");
        assertThatThrownBy(() -> NpyArray.parse(FILE, npy(1, "|u1", "True", "(2, 2)", new byte[4])))
                .hasMessageContaining("Fortran-ordered arrays are not supported");
        assertThatThrownBy(() -> NpyArray.parse(FILE, npy("|u1", "(65536, 65536)", new byte[0])))
                .hasMessageContaining("shape [65536, 65536] is too large");
        assertThatThrownBy(() -> NpyArray.parse(FILE, npy("|u1", "(-1,)", new byte[0]))).hasMessageContaining("is too large");
        String noShape = "{'descr': '|u1', 'fortran_order': False, }";
        assertThatThrownBy(() -> NpyArray.parse(FILE, raw(noShape))).hasMessageContaining("the .npy header has no 'shape'");
        assertThatThrownBy(() -> NpyArray.parse(FILE, raw("{'fortran_order': False, 'shape': (1,), }")))
                .hasMessageContaining("no 'descr'");
        assertThatThrownBy(() -> NpyArray.parse(FILE, raw("{'descr': '|u1', 'shape': (1,), }")))
                .hasMessageContaining("no 'fortran_order'");
        assertThat(NpyArray.parse(FILE, npy("|u1", "(1,)", new byte[]{1})).values()).containsExactly(1);
    }

    /** A version-1 file with {@code header} as given and one data byte. */
    private static byte[] raw(String header) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[]{(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) (header.length() + 1), 0});
        out.writeBytes((header + "\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(1);
        return out.toByteArray();
    }

    @Test
    void dtypesOutsideTheNumbersAreRefused() {
        for (String d : new String[]{"|O", "<f2", "<f16", "<i3", "<u16", "|b2", "<c8", "f4", "xf4", "<U5", "|S3"}) {
            assertThatThrownBy(() -> NpyArray.parse(FILE, npy(d, "(1,)", new byte[64]))).as(d)
                    .isInstanceOf(DataFormatException.class)
                    .hasMessageContaining("dtype '" + d + "' is not supported").hasMessageContaining("never unpickled");
        }
    }

    @Test
    void readsFilesAndArchives(@TempDir Path dir) throws IOException {
        Path one = dir.resolve("x.npy");
        Files.write(one, npy("|u1", "(2,)", new byte[]{3, 4}));
        assertThat(NpyArray.read(one).values()).containsExactly(3, 4);
        assertThatThrownBy(() -> NpyArray.read(dir.resolve("missing.npy")))
                .isInstanceOf(DataFormatException.class).hasMessageContaining("cannot read");

        Path npz = dir.resolve("a.npz");
        try (OutputStream f = Files.newOutputStream(npz); ZipOutputStream zip = new ZipOutputStream(f)) {
            zip.putNextEntry(new ZipEntry("x.npy"));
            zip.write(npy("|u1", "(1,)", new byte[]{5}));
            zip.putNextEntry(new ZipEntry("dir/"));
            zip.putNextEntry(new ZipEntry("notes.txt"));
            zip.write("hello".getBytes(StandardCharsets.UTF_8));
            zip.putNextEntry(new ZipEntry("y.npy"));
            zip.write(npy("|i1", "(1,)", new byte[]{-1}));
        }
        Map<String, NpyArray> entries = NpyArray.readNpz(npz);
        assertThat(entries).containsOnlyKeys("x", "y");
        assertThat(entries.get("x").values()).containsExactly(5);
        assertThat(entries.get("y").values()).containsExactly(-1);

        Path noNpy = dir.resolve("b.npz");
        try (OutputStream f = Files.newOutputStream(noNpy); ZipOutputStream zip = new ZipOutputStream(f)) {
            zip.putNextEntry(new ZipEntry("notes.txt"));
            zip.write(1);
        }
        assertThatThrownBy(() -> NpyArray.readNpz(noNpy)).hasMessageContaining("not an .npz: no .npy entries in it");
        Path notZip = dir.resolve("c.npz");
        Files.write(notZip, new byte[]{1, 2, 3});
        assertThatThrownBy(() -> NpyArray.readNpz(notZip)).hasMessageContaining("no .npy entries");
        assertThatThrownBy(() -> NpyArray.readNpz(dir.resolve("none.npz"))).hasMessageContaining("not a readable .npz");
    }
}
