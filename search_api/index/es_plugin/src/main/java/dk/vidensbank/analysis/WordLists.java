package dk.vidensbank.analysis;

import org.apache.lucene.analysis.CharArraySet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Loads word list files once per path and shares the resulting read-only set.
 * Elasticsearch builds a new filter factory for every index that uses the filter (and for
 * every {@code _analyze} call with an inline filter), so without this cache a large word
 * list would be re-read and held in memory once per index.
 */
final class WordLists {

    private record Cached(FileTime modified, long size, CharArraySet words) {}

    /** One cached set per file and variant (all entries, or only the entries written in lower case). */
    private record Key(Path file, boolean lowercaseOnly) {}

    private static final ConcurrentHashMap<Key, Cached> CACHE = new ConcurrentHashMap<>();

    private WordLists() {}

    /**
     * Resolves a path the way Elasticsearch resolves its own {@code *_path} analysis settings:
     * relative to the config directory. The stable plugin API hands plugins no Environment, and
     * the 8.x launcher passes the config dir to the server over stdin, not as a system property.
     * What the server process does see is the launcher's own input: the {@code ES_PATH_CONF}
     * environment variable when the operator set one (it is inherited), otherwise the default
     * {@code <es.path.home>/config} ({@code -Des.path.home} is always on the server command line).
     */
    static Path resolveInConfigDir(String path) {
        Path p = Path.of(path);
        if (p.isAbsolute()) {
            return p.normalize();
        }
        Path configDir;
        String esPathConf = System.getenv("ES_PATH_CONF");
        String esHome = System.getProperty("es.path.home");
        if (esPathConf != null && esPathConf.isBlank() == false) {
            configDir = Path.of(esPathConf);
        } else if (esHome != null && esHome.isBlank() == false) {
            configDir = Path.of(esHome, "config");
        } else {
            throw new IllegalStateException("cannot find the Elasticsearch config dir to resolve [" + path + "]; use an absolute path");
        }
        return configDir.resolve(p).toAbsolutePath().normalize();
    }

    /**
     * Returns the (case-insensitive) word set of {@code file}. The file is re-read only when its
     * modification time or size changed, so an edited list takes effect when indices are
     * re-opened, without a node restart. {@code filterName} only appears in error messages. With
     * {@code lowercaseOnly} the set leaves out every entry that contains an upper-case letter
     * (names and acronyms such as "Else", "Ted", "AAU"); matching still ignores case.
     */
    static CharArraySet get(Path file, String filterName, boolean lowercaseOnly) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("[" + filterName + "] cannot read word list [" + file + "]: " + e, e);
        }
        try {
            return CACHE.compute(new Key(file, lowercaseOnly), (key, old) -> {
                if (old != null && old.modified().equals(attrs.lastModifiedTime()) && old.size() == attrs.size()) {
                    return old;
                }
                return new Cached(attrs.lastModifiedTime(), attrs.size(), read(key.file(), key.lowercaseOnly()));
            }).words();
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException("[" + filterName + "] cannot read word list [" + file + "]: " + e.getCause(), e);
        }
    }

    /**
     * One word per line, UTF-8 (malformed bytes are an error), blank lines and '#' lines skipped;
     * with {@code lowercaseOnly}, entries containing an upper-case letter are skipped too.
     */
    private static CharArraySet read(Path file, boolean lowercaseOnly) {
        List<String> words = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String word = line.strip();
                if (word.startsWith("\uFEFF")) { // byte order mark written by some editors
                    word = word.substring(1);
                }
                if (word.isEmpty() == false && word.startsWith("#") == false
                    && (lowercaseOnly == false || word.equals(word.toLowerCase(Locale.ROOT)))) {
                    words.add(word);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // ignoreCase=true: works whether or not the filter runs after lowercase.
        return CharArraySet.unmodifiableSet(new CharArraySet(words, true));
    }
}
