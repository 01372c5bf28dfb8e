package dk.vidensbank.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.tartarus.snowball.ext.DanishStemmer;

/**
 * {@code vb_danish_stemmer}: Lucene's Snowball Danish stemmer (the same algorithm as the
 * {@code danish} analyzer of the analysis-common module). Tokens marked as keywords
 * (KeywordAttribute) are left unstemmed. Expects lowercased input.
 */
@NamedComponent("vb_danish_stemmer")
public class DanishStemmerFilterFactory implements TokenFilterFactory {

    @Override
    public TokenStream create(TokenStream tokenStream) {
        // A SnowballStemmer keeps per-token state, so every stream gets its own instance.
        return new SnowballFilter(tokenStream, new DanishStemmer());
    }
}
