package dk.vidensbank.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.miscellaneous.ASCIIFoldingFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;

/**
 * {@code vb_ascii_folding}: Lucene's ASCIIFoldingFilter (é &rarr; e, ü &rarr; u, ...).
 * Careful with Danish text: it also turns æ &rarr; ae, ø &rarr; o and å &rarr; a.
 */
@NamedComponent("vb_ascii_folding")
public class AsciiFoldingFilterFactory implements TokenFilterFactory {

    /** Filter settings; Elasticsearch implements this interface from the filter's JSON settings. */
    @AnalysisSettings
    public interface Settings {
        /** Also emit the unfolded token (same position) when folding changed it. */
        @BooleanSetting(path = "preserve_original", defaultValue = false)
        boolean preserveOriginal();
    }

    private final boolean preserveOriginal;

    @Inject
    public AsciiFoldingFilterFactory(Settings settings) {
        this.preserveOriginal = settings.preserveOriginal();
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return new ASCIIFoldingFilter(tokenStream, preserveOriginal);
    }

    /** Normalization must yield exactly one term per input term, so never keep the original here. */
    @Override
    public TokenStream normalize(TokenStream tokenStream) {
        return new ASCIIFoldingFilter(tokenStream, false);
    }
}
