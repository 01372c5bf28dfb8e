package dk.vidensbank.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.RemoveDuplicatesTokenFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/**
 * {@code vb_remove_duplicates}: Lucene's RemoveDuplicatesTokenFilter. Drops a token whose
 * text equals another token at the same position (e.g. the unstemmed and the stemmed copy
 * made by {@code vb_keyword_repeat} when the stemmer did not change the word).
 */
@NamedComponent("vb_remove_duplicates")
public class RemoveDuplicatesFilterFactory implements TokenFilterFactory {

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new RemoveDuplicatesTokenFilter(tokenStream);
    }
}
