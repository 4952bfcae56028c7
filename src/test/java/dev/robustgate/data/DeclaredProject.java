package dev.robustgate.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A project directory for dataset-declaration tests: its registry and its {@code fixtures/datasets/NAME.json} files. */
record DeclaredProject(Path dir) {
    DeclaredDatasets datasets() {
        return new DeclaredDatasets(dir, dir.resolve("fixtures/datasets"));
    }

    void declare(String name, String json) throws IOException {
        Path f = dir.resolve("fixtures/datasets/" + name + ".json");
        Files.createDirectories(f.getParent());
        Files.writeString(f, json);
    }
}
