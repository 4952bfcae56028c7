package dev.robustgate.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Collects one line per bad file of a dataset, so that a user fixes them all from one run. */
final class BadFiles {
    private static final int SHOWN = 20;
    private final Path root;
    private final List<String> problems = new ArrayList<>();

    BadFiles(Path root) {
        this.root = root;
    }

    void add(Path file, String problem) {
        problems.add(file + ": " + problem);
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    /** Throws a {@link DataFormatException} listing every problem (the first {@value #SHOWN}) when there is one. */
    void throwIfAny() {
        if (problems.isEmpty()) return;
        if (problems.size() == 1) {
            throw new DataFormatException(root, problems.get(0));
        }
        StringBuilder sb = new StringBuilder(problems.size() + " bad files:");
        problems.stream().limit(SHOWN).forEach(p -> sb.append("\n  ").append(p));
        if (problems.size() > SHOWN) sb.append("\n  ... and ").append(problems.size() - SHOWN).append(" more");
        throw new DataFormatException(root, sb.toString());
    }
}
