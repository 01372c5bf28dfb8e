package dk.vidensbank.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/**
 * {@code vb_english_possessive}: Lucene's EnglishPossessiveFilter, which drops a trailing
 * {@code 's} (also with the typographic apostrophe): children's &rarr; children. The standard
 * tokenizer keeps the apostrophe inside the token, and no stemmer removes it.
 */
@NamedComponent("vb_english_possessive")
public class EnglishPossessiveFilterFactory implements TokenFilterFactory {

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new EnglishPossessiveFilter(tokenStream);
    }
}
