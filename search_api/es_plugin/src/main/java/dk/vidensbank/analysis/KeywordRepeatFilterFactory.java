package dk.vidensbank.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.KeywordRepeatFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/**
 * {@code vb_keyword_repeat}: Lucene's KeywordRepeatFilter. Emits every token twice at the
 * same position, the first copy marked as keyword so that stemmers leave it alone. Follow
 * the stemmer with {@code vb_remove_duplicates} to drop the copy when stemming changed nothing.
 */
@NamedComponent("vb_keyword_repeat")
public class KeywordRepeatFilterFactory implements TokenFilterFactory {

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new KeywordRepeatFilter(tokenStream);
    }
}
