package dk.vidensbank.analysis;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.compound.DictionaryCompoundWordTokenFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.IntSetting;
import org.elasticsearch.plugin.settings.StringSetting;

/**
 * {@code vb_compound_da}: Lucene's DictionaryCompoundWordTokenFilter. Keeps every token and
 * adds, at the same position, each word-list entry found inside it
 * ("børneinddragelse" &rarr; børneinddragelse, børn, børne, inddragelse).
 * It searches substrings, not boundaries, so linking letters (anbringelse+s+sag,
 * børn+e+inddragelse) need no special handling.
 */
@NamedComponent("vb_compound_da")
public class DanishCompoundFilterFactory implements TokenFilterFactory {

    /** Filter settings; Elasticsearch implements this interface from the filter's JSON settings. */
    @AnalysisSettings
    public interface Settings {
        /** Word list file, UTF-8, one word per line, '#' starts a comment line. Relative to the ES config dir. */
        @StringSetting(path = "word_list_path", defaultValue = "")
        String wordListPath();

        /** Tokens shorter than this are not decompounded. */
        @IntSetting(path = "min_word_size", defaultValue = 5)
        int minWordSize();

        /** Shortest part that is emitted (Lucene's default is 2; 4 avoids most accidental short hits). */
        @IntSetting(path = "min_subword_size", defaultValue = 4)
        int minSubwordSize();

        /** Longest part that is looked up. */
        @IntSetting(path = "max_subword_size", defaultValue = 15)
        int maxSubwordSize();

        /** Emit only the longest entry starting at each character (e.g. "børne", not also "børn"). */
        @BooleanSetting(path = "only_longest_match", defaultValue = false)
        boolean onlyLongestMatch();
    }

    private final CharArraySet dictionary;
    private final int minWordSize;
    private final int minSubwordSize;
    private final int maxSubwordSize;
    private final boolean onlyLongestMatch;

    @Inject
    public DanishCompoundFilterFactory(Settings settings) {
        this.minWordSize = settings.minWordSize();
        this.minSubwordSize = settings.minSubwordSize();
        this.maxSubwordSize = settings.maxSubwordSize();
        this.onlyLongestMatch = settings.onlyLongestMatch();
        if (minSubwordSize < 1 || maxSubwordSize < minSubwordSize || minWordSize < 1) {
            throw new IllegalArgumentException(
                "[vb_compound_da] needs 1 <= min_subword_size <= max_subword_size and min_word_size >= 1, got min_word_size="
                    + minWordSize + ", min_subword_size=" + minSubwordSize + ", max_subword_size=" + maxSubwordSize
            );
        }
        // Elasticsearch instantiates every registered filter type once per index with EMPTY settings
        // (the stable API gives no way to say "settings required"), so a missing word_list_path
        // must not fail here: that would break the creation of every index. It fails in create().
        String path = settings.wordListPath();
        this.dictionary = path == null || path.isBlank() ? null : WordLists.get(WordLists.resolveInConfigDir(path));
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        if (dictionary == null) {
            throw new IllegalArgumentException("[vb_compound_da] requires [word_list_path]: define a filter of this type with settings");
        }
        return new DictionaryCompoundWordTokenFilter(
            tokenStream, dictionary, minWordSize, minSubwordSize, maxSubwordSize, onlyLongestMatch
        );
    }
}
