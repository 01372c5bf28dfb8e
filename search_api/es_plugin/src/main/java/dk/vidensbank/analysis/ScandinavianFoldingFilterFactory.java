package dk.vidensbank.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ScandinavianFoldingFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/**
 * {@code vb_scandinavian_folding}: Lucene's ScandinavianFoldingFilter.
 * Folds to plain a/o: å, æ, ä, aa, ae, ao &rarr; a and ø, ö, oe, oo &rarr; o
 * ("århus", "aarhus" &rarr; "arhus"). Looser than normalization: it also merges
 * words that differ only in å/æ/ø versus a/o ("bør"/"bor", "får"/"far").
 */
@NamedComponent("vb_scandinavian_folding")
public class ScandinavianFoldingFilterFactory implements TokenFilterFactory {

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new ScandinavianFoldingFilter(tokenStream);
    }

    /** Character-level rewrite, so it also applies in normalizers and to wildcard/prefix query terms. */
    @Override
    public TokenStream normalize(TokenStream tokenStream) {
        return create(tokenStream);
    }
}
