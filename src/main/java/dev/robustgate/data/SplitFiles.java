package dev.robustgate.data;

import java.util.Objects;

/** The two files that make up one split; they are only ever used as a pair. */
public record SplitFiles(DataFile images, DataFile labels) {
    public SplitFiles {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(labels, "labels");
    }
}
