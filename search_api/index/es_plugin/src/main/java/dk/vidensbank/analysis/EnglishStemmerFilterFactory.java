package dk.vidensbank.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.KStemFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/**
 * {@code vb_english_stemmer}: Lucene's KStem, Krovetz's English stemmer (the analysis-common
 * module's {@code light_english}). It conflates inflections (reports, reporting, reported &rarr;
 * report; studies &rarr; study) and, unlike Porter (the {@code english} analyzer's stemmer), keeps
 * apart words that share only a beginning: university/universe, organization/organ,
 * policy/police. Tokens marked as keywords are left unstemmed. Expects lowercased input.
 */
@NamedComponent("vb_english_stemmer")
public class EnglishStemmerFilterFactory implements TokenFilterFactory {

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new KStemFilter(tokenStream);
    }
}
