package dev.robustgate.data;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * An image folder: one subfolder per class, PNG or JPEG files in it, read with javax.imageio into
 * [N, C, H, W] float32 in [0,1]. Grey (C = 1) takes the luminance of colour files; RGB (C = 3)
 * repeats a grey file's channel. Images of another size are refused unless the declaration asks to
 * resize (bilinear). Class index = position in the declared class list, else in the sorted folder names.
 */
final class ImageFolderReader {
    private ImageFolderReader() {}

    static Dataset read(String name, Split split, Path root, DatasetDeclaration d) {
        if (!Files.isDirectory(root)) throw new DataUnavailableException(root + ": no such image folder (dataset " + name + ")");
        List<Path> folders = list(root).stream().filter(Files::isDirectory).sorted().toList();
        BadFiles bad = new BadFiles(root);
        List<String> classes = d.classes() != null ? d.classes() : folders.stream().map(p -> p.getFileName().toString()).toList();
        for (Path f : folders) {
            if (!classes.contains(f.getFileName().toString())) {
                bad.add(f, "unknown class folder '" + f.getFileName() + "' (declared classes: " + classes + ")");
            }
        }
        for (Path f : list(root)) {
            if (Files.isRegularFile(f)) bad.add(f, "a file directly in the image folder; put each image in its class's subfolder");
        }
        if (classes.isEmpty()) bad.add(root, "no class subfolders (expected one subfolder per class with PNG/JPEG images)");
        bad.throwIfAny();

        List<Path> files = new ArrayList<>();
        List<Integer> labels = new ArrayList<>();
        for (int c = 0; c < classes.size(); c++) {
            Path folder = root.resolve(classes.get(c));
            if (!Files.isDirectory(folder)) continue;
            for (Path f : list(folder).stream().sorted().toList()) {
                files.add(f);
                labels.add(c);
            }
        }
        if (files.isEmpty()) throw new DataFormatException(root, "no images in the class folders " + classes);
        MessageDigest md = Sha256.newDigest();
        md.update((name + "|" + classes + "|" + java.util.Arrays.toString(d.shape()) + "|" + d.resize()).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long[] shape = d.shape();
        float[][] pixels = new float[files.size()][];
        for (int i = 0; i < files.size(); i++) {
            Path f = files.get(i);
            try {
                byte[] bytes = Files.readAllBytes(f);
                md.update(root.relativize(f).toString().replace('\\', '/').getBytes(java.nio.charset.StandardCharsets.UTF_8));
                md.update(bytes);
                String lower = f.getFileName().toString().toLowerCase(Locale.ROOT);
                if (!(lower.endsWith(".png") || lower.endsWith(".jpg") || lower.endsWith(".jpeg"))) {
                    bad.add(f, "not a PNG or JPEG file (by its name)");
                    continue;
                }
                BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(bytes));
                if (img == null) {
                    bad.add(f, "unreadable image (javax.imageio cannot decode it)");
                    continue;
                }
                if (shape == null) {
                    // No declared shape (eval --data FOLDER): the first image fixes it.
                    shape = new long[]{isGrey(img) ? 1 : 3, img.getHeight(), img.getWidth()};
                }
                int h = (int) shape[1], w = (int) shape[2];
                if (img.getWidth() != w || img.getHeight() != h) {
                    if (!d.resize()) {
                        bad.add(f, "image is " + img.getWidth() + "x" + img.getHeight() + ", the dataset's images are " + w + "x" + h
                                + " (declare \"resize\": true to scale them)");
                        continue;
                    }
                    img = resize(img, w, h);
                }
                pixels[i] = toChw(img, (int) shape[0]);
            } catch (IOException e) {
                bad.add(f, "unreadable image: " + e.getMessage());
            }
        }
        bad.throwIfAny();
        int per = pixels[0].length;
        float[] all = new float[files.size() * per];
        for (int i = 0; i < pixels.length; i++) System.arraycopy(pixels[i], 0, all, i * per, per);
        int[] y = labels.stream().mapToInt(Integer::intValue).toArray();
        var features = Nd4j.create(all, new long[]{files.size(), shape[0], shape[1], shape[2]}, DataType.FLOAT);
        return new Dataset(name, split, features, y, classes, Sha256.hex(md),
                name + " " + split.name().toLowerCase(Locale.ROOT) + " (" + y.length + " images, " + root + ")");
    }

    private static boolean isGrey(BufferedImage img) {
        return img.getColorModel().getNumColorComponents() == 1;
    }

    private static BufferedImage resize(BufferedImage img, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    /** [C, H, W] in [0,1]; grey from a colour image is the Rec. 601 luma. */
    private static float[] toChw(BufferedImage img, int channels) {
        int h = img.getHeight(), w = img.getWidth();
        float[] out = new float[channels * h * w];
        boolean grey = isGrey(img);
        var raster = img.getRaster();
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                float red, green, blue;
                if (grey) {
                    float v = raster.getSample(c, r, 0) / (float) ((1 << img.getColorModel().getComponentSize(0)) - 1);
                    red = green = blue = v;
                } else {
                    int rgb = img.getRGB(c, r);
                    red = ((rgb >> 16) & 0xff) / 255f;
                    green = ((rgb >> 8) & 0xff) / 255f;
                    blue = (rgb & 0xff) / 255f;
                }
                int at = r * w + c;
                if (channels == 1) {
                    out[at] = grey ? red : 0.299f * red + 0.587f * green + 0.114f * blue;
                } else {
                    out[at] = red;
                    out[h * w + at] = green;
                    out[2 * h * w + at] = blue;
                }
            }
        }
        return out;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith(".")).toList();
        } catch (IOException e) {
            throw new DataUnavailableException(dir + ": cannot list the folder: " + e.getMessage(), e);
        }
    }
}
