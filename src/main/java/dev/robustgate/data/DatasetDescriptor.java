package dev.robustgate.data;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything needed to find, verify and explain one IDX image dataset.
 *
 * @param name            registry key and directory name under data roots and the cache
 * @param classNames      label i names class i
 * @param splits          files per split
 * @param downloadBase    where {@code <file>.gz} can be downloaded from (ends with '/'); null if never
 * @param systemDirectory where a system package installs the files; null if there is none
 * @param installHint     command that installs that package, shown when the data is missing; null if none
 */
public record DatasetDescriptor(String name, List<String> classNames, Map<Split, SplitFiles> splits,
                                URI downloadBase, Path systemDirectory, String installHint) {
    public DatasetDescriptor {
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.contains("/") || name.contains("\\")) {
            throw new IllegalArgumentException("dataset name must be a plain directory name, got '" + name + "'");
        }
        classNames = List.copyOf(classNames);
        if (classNames.isEmpty()) {
            throw new IllegalArgumentException(name + ": no class names");
        }
        if (splits.isEmpty()) {
            throw new IllegalArgumentException(name + ": no splits");
        }
        splits = Map.copyOf(new EnumMap<>(splits));
        if (downloadBase != null && !downloadBase.toString().endsWith("/")) {
            // URI.resolve would otherwise replace the last path segment instead of appending.
            throw new IllegalArgumentException(name + ": download base must end with '/': " + downloadBase);
        }
    }

    public Optional<SplitFiles> files(Split split) {
        return Optional.ofNullable(splits.get(split));
    }

    /** All files of all splits, train first, in the order a user would list them. */
    public List<DataFile> allFiles() {
        List<DataFile> all = new ArrayList<>();
        for (Split split : Split.values()) {
            files(split).ifPresent(f -> {
                all.add(f.images());
                all.add(f.labels());
            });
        }
        return all;
    }

    public Optional<URI> downloadUri(DataFile file) {
        return Optional.ofNullable(downloadBase).map(base -> base.resolve(file.gzName()));
    }
}
