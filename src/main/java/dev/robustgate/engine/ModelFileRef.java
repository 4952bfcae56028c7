package dev.robustgate.engine;

import dev.robustgate.RobustGateException;
import dev.robustgate.data.Sha256;
import dev.robustgate.model.DifferentiableClassifier;
import dev.robustgate.model.load.ModelFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * A model file named by its path and the SHA-256 of its bytes, and how to load it ({@code variant}
 * names what the loader adds, e.g. a declared input; part of the key). Where it is loaded, the
 * file at the path (or a copy that an engine shipped, {@link #loadFrom}) must still have that hash:
 * a changed or different file on an executor is an error, never a silently different model.
 */
public record ModelFileRef(String path, String sha256, String fileName, String variant, FileLoader loader) implements ModelRef {

    /** Loads a verified model file: serializable, it travels with the reference. */
    @FunctionalInterface
    public interface FileLoader extends Serializable {
        DifferentiableClassifier load(Path file);
    }

    public static ModelFileRef of(Path file) {
        return of(file, "", ModelFiles::load);
    }

    public static ModelFileRef of(Path file, String variant, FileLoader loader) {
        if (!Files.isRegularFile(file)) throw new RobustGateException(file + ": no such model file");
        return new ModelFileRef(file.toAbsolutePath().normalize().toString(), sha256(file), file.getFileName().toString(),
                variant == null ? "" : variant, loader);
    }

    @Override public String key() { return "file:" + sha256 + (variant.isEmpty() ? "" : "|" + variant); }
    @Override public String name() { return fileName.replaceFirst("\\.(zip|h5|hdf5|onnx)$", ""); }

    @Override
    public DifferentiableClassifier load() {
        return loadFrom(Path.of(path));
    }

    /** Loads the copy at {@code local} (e.g. one a cluster manager shipped), after checking its hash. */
    public DifferentiableClassifier loadFrom(Path local) {
        String actual = sha256(local);
        if (!actual.equals(sha256)) {
            throw new RobustGateException(local + ": SHA-256 " + actual + " differs from the model that was submitted ("
                    + sha256 + ")");
        }
        return loader.load(local);
    }

    static String sha256(Path file) {
        MessageDigest md = Sha256.newDigest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int k; (k = in.read(buf)) > 0; ) md.update(buf, 0, k);
        } catch (IOException e) {
            throw new RobustGateException(file + ": cannot read the model file (" + e.getMessage() + ")", e);
        }
        return Sha256.hex(md);
    }
}
