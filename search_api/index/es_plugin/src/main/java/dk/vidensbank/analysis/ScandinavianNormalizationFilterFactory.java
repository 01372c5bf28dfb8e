package dk.vidensbank.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ScandinavianNormalizationFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/**
 * {@code vb_scandinavian_normalization}: Lucene's ScandinavianNormalizationFilter.
 * Rewrites the interchangeable spellings to the Danish/Norwegian letters:
 * aa/ao &rarr; å, ae/ä &rarr; æ, oe/oo/ö &rarr; ø ("aarhus" &rarr; "århus",
 * "aeldre" &rarr; "ældre"), while keeping å, æ, ø distinct from a and o.
 */
@NamedComponent("vb_scandinavian_normalization")
public class ScandinavianNormalizationFilterFactory implements TokenFilterFactory {

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new ScandinavianNormalizationFilter(tokenStream);
    }

    /** Character-level rewrite, so it also applies to wildcard/prefix query terms of text fields. */
    @Override
    public TokenStream normalize(TokenStream tokenStream) {
        return create(tokenStream);
    }
}
