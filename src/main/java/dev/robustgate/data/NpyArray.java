package dev.robustgate.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * One array of NumPy's .npy format (version 1-3), read by hand: it is small and exact (a magic
 * string, a Python-literal header with dtype, order and shape, then the raw values). Numbers only;
 * object arrays (pickles) are refused, never unpickled. An .npz is a zip of .npy entries.
 */
record NpyArray(long[] shape, String dtype, double[] values) {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");
    /** Refuses a header that claims more values than a test set plausibly has, before allocating. */
    private static final long MAX_VALUES = 1L << 31;

    long count() {
        return shape.length == 0 ? 1 : Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    static NpyArray read(Path file) {
        try {
            return parse(file, Files.readAllBytes(file));
        } catch (IOException e) {
            throw new DataFormatException(file, "cannot read: " + e.getMessage(), e);
        }
    }

    /** The entries of an .npz, by name without ".npy". */
    static Map<String, NpyArray> readNpz(Path file) {
        Map<String, NpyArray> out = new HashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                if (e.isDirectory() || !e.getName().endsWith(".npy")) continue;
                byte[] bytes = readBounded(zip, file, e.getName());
                out.put(e.getName().substring(0, e.getName().length() - 4), parse(file.resolve(e.getName()), bytes));
            }
        } catch (IOException e) {
            throw new DataFormatException(file, "not a readable .npz (zip of .npy files): " + e.getMessage(), e);
        }
        if (out.isEmpty()) throw new DataFormatException(file, "not an .npz: no .npy entries in it");
        return out;
    }

    private static byte[] readBounded(InputStream in, Path file, String entry) throws IOException {
        // A zip bomb must not fill the heap without bound: one entry is at most a Java array.
        byte[] all = in.readNBytes(Integer.MAX_VALUE - 16);
        if (in.read() != -1) throw new DataFormatException(file, "entry " + entry + " is larger than 2 GiB");
        return all;
    }

    static NpyArray parse(Path file, byte[] bytes) {
        if (bytes.length < 10 || !Arrays.equals(Arrays.copyOf(bytes, 6), MAGIC)) {
            throw new DataFormatException(file, "not a .npy file (no \\x93NUMPY magic)");
        }
        int major = bytes[6];
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int headerLen, start;
        if (major == 1) {
            headerLen = Short.toUnsignedInt(b.getShort(8));
            start = 10;
        } else if (major == 2 || major == 3) {
            headerLen = b.getInt(8);
            start = 12;
        } else {
            throw new DataFormatException(file, ".npy version " + major + " is not supported (1, 2 or 3)");
        }
        if (headerLen < 0 || start + headerLen > bytes.length) throw new DataFormatException(file, "truncated .npy header");
        String header = new String(bytes, start, headerLen, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        String descr = group(DESCR, header, file, "descr");
        boolean fortran = group(FORTRAN, header, file, "fortran_order").equals("True");
        String shapeText = group(SHAPE, header, file, "shape").trim();
        long[] shape = shapeText.isEmpty() ? new long[0]
                : Arrays.stream(shapeText.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
        long count = shape.length == 0 ? 1 : Arrays.stream(shape).reduce(1, (x, y) -> x * y);
        if (count < 0 || count > MAX_VALUES) throw new DataFormatException(file, "shape " + Arrays.toString(shape) + " is too large");
        if (fortran && shape.length > 1) {
            throw new DataFormatException(file, "Fortran-ordered arrays are not supported; save with np.ascontiguousarray");
        }
        int width = width(descr, file);
        ByteOrder order = descr.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        int data = start + headerLen;
        if ((long) bytes.length - data < count * width) {
            throw new DataFormatException(file, "truncated: shape " + Arrays.toString(shape) + " of " + descr + " needs "
                    + count * width + " bytes, the file has " + (bytes.length - data));
        }
        ByteBuffer v = ByteBuffer.wrap(bytes, data, bytes.length - data).slice().order(order);
        double[] values = new double[(int) count];
        char kind = descr.charAt(1);
        for (int i = 0; i < values.length; i++) {
            values[i] = switch (kind) {
                case 'f' -> width == 4 ? v.getFloat(i * 4) : v.getDouble(i * 8);
                case 'u' -> switch (width) {
                    case 1 -> Byte.toUnsignedInt(v.get(i));
                    case 2 -> Short.toUnsignedInt(v.getShort(i * 2));
                    case 4 -> Integer.toUnsignedLong(v.getInt(i * 4));
                    default -> v.getLong(i * 8);
                };
                case 'i' -> switch (width) {
                    case 1 -> v.get(i);
                    case 2 -> v.getShort(i * 2);
                    case 4 -> v.getInt(i * 4);
                    default -> v.getLong(i * 8);
                };
                case 'b' -> v.get(i) != 0 ? 1 : 0;
                default -> throw new IllegalStateException(descr);
            };
        }
        return new NpyArray(shape, descr, values);
    }

    private static int width(String descr, Path file) {
        if (descr.length() >= 3 && "<>|=".indexOf(descr.charAt(0)) >= 0) {
            char kind = descr.charAt(1);
            String w = descr.substring(2);
            boolean ok = switch (kind) {
                case 'f' -> w.equals("4") || w.equals("8");
                case 'i', 'u' -> w.equals("1") || w.equals("2") || w.equals("4") || w.equals("8");
                case 'b' -> w.equals("1");
                default -> false;
            };
            if (ok) return Integer.parseInt(w);
        }
        throw new DataFormatException(file, "dtype '" + descr + "' is not supported (numbers only: float32/64, (u)int8-64, bool; "
                + "object arrays are never unpickled)");
    }

    private static String group(Pattern p, String header, Path file, String key) {
        Matcher m = p.matcher(header);
        if (!m.find()) throw new DataFormatException(file, "the .npy header has no '" + key + "': " + header.trim());
        return m.group(1);
    }
}
