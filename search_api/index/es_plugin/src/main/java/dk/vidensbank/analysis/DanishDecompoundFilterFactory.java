package dk.vidensbank.analysis;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.IntSetting;
import org.elasticsearch.plugin.settings.ListSetting;
import org.elasticsearch.plugin.settings.StringSetting;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code vb_decompound_da}: a Danish decompounder. Unlike Lucene's
 * DictionaryCompoundWordTokenFilter, which emits every word-list entry found anywhere in the
 * token, it only accepts a split of the <em>whole</em> token into 2..{@code max_parts} word-list
 * parts, optionally joined by a linking letter (fuge-s, fuge-e), and emits the parts of the best
 * such split: "anbringelsessager" &rarr; anbringelsessager, anbringelse, sager. Tokens without a
 * full split pass through alone. See {@link DanishDecompounder} for the rules.
 */
@NamedComponent("vb_decompound_da")
public class DanishDecompoundFilterFactory implements TokenFilterFactory {

    /** Filter settings; Elasticsearch implements this interface from the filter's JSON settings. */
    @AnalysisSettings
    public interface Settings {
        /** Word list file, UTF-8, one word per line, '#' starts a comment line. Relative to the ES config dir. */
        @StringSetting(path = "word_list_path", defaultValue = "")
        String wordListPath();

        /** Tokens shorter than this are not decompounded. */
        @IntSetting(path = "min_word_size", defaultValue = 8)
        int minWordSize();

        /** Shortest part (without its linking letter). */
        @IntSetting(path = "min_part_size", defaultValue = 3)
        int minPartSize();

        /** Most parts in one split (2..8). */
        @IntSetting(path = "max_parts", defaultValue = 4)
        int maxParts();

        /** Letters that may join two parts; "" disables linking letters. */
        @StringSetting(path = "linking_letters", defaultValue = "se")
        String linkingLetters();

        /**
         * Words never used as a part. Empty/missing: the built-in {@code _danish_} list
         * (particles and prefixes such as ind, til, under); {@code _danish_} can be listed next to
         * own words; {@code _none_} excludes nothing.
         */
        @ListSetting(path = "excluded_parts")
        List<String> excludedParts();

        /**
         * Words never used as 2nd, 3rd, ... part (endings such as ingen, ens, hed, lig, ion).
         * Same conventions as {@code excluded_parts}.
         */
        @ListSetting(path = "excluded_suffix_parts")
        List<String> excludedSuffixParts();

        /** Leave out word-list entries with an upper-case letter (names, acronyms: "Else", "Ted", "AAU"). */
        @BooleanSetting(path = "ignore_capitalized_words", defaultValue = true)
        boolean ignoreCapitalizedWords();
    }

    private final DanishDecompounder decompounder;

    @Inject
    public DanishDecompoundFilterFactory(Settings settings) {
        String letters = settings.linkingLetters();
        CharArraySet excluded = wordSet(settings.excludedParts(), DanishDecompounder.DANISH_EXCLUDED_PARTS);
        CharArraySet excludedSuffixes = wordSet(settings.excludedSuffixParts(), DanishDecompounder.DANISH_EXCLUDED_SUFFIX_PARTS);
        // Elasticsearch instantiates every registered filter type once per index with EMPTY settings,
        // so a missing word_list_path must not fail here (that would break every index creation).
        // Invalid numbers do fail here: they can only come from an explicitly configured filter.
        String path = settings.wordListPath();
        CharArraySet dictionary = path == null || path.isBlank()
            ? null
            : WordLists.get(WordLists.resolveInConfigDir(path), "vb_decompound_da", settings.ignoreCapitalizedWords());
        DanishDecompounder d = new DanishDecompounder(
            dictionary == null ? CharArraySet.EMPTY_SET : dictionary,
            excluded,
            excludedSuffixes,
            letters == null || letters.equals("_none_") ? "" : letters,
            settings.minWordSize(),
            settings.minPartSize(),
            settings.maxParts()
        );
        this.decompounder = dictionary == null ? null : d;
    }

    /** A configured word list: missing/empty = the built-in list, "_danish_" = built-in list, "_none_" = nothing. */
    static CharArraySet wordSet(List<String> configured, List<String> danish) {
        List<String> words = new ArrayList<>();
        if (configured == null || configured.isEmpty()) {
            words.addAll(danish);
        } else {
            for (String w : configured) {
                String word = w.strip();
                if (word.equals("_danish_")) {
                    words.addAll(danish);
                } else if (word.isEmpty() == false && word.equals("_none_") == false) {
                    words.add(word);
                }
            }
        }
        return CharArraySet.unmodifiableSet(new CharArraySet(words, true));
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        if (decompounder == null) {
            throw new IllegalArgumentException("[vb_decompound_da] requires [word_list_path]: define a filter of this type with settings");
        }
        return new DanishDecompoundFilter(tokenStream, decompounder);
    }
}
