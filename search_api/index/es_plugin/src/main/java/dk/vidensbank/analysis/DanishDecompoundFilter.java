package dk.vidensbank.analysis;

import org.apache.lucene.analysis.TokenFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.TypeAttribute;

import java.io.IOException;

/**
 * Emits every token unchanged and, when {@link DanishDecompounder} finds a full segmentation,
 * each part right after it: same position (increment 0), same offsets and other attributes as the
 * original, type {@value #SUBWORD_TYPE}. Parts are emitted without their linking letter.
 */
final class DanishDecompoundFilter extends TokenFilter {

    static final String SUBWORD_TYPE = "<SUBWORD>";

    private final CharTermAttribute termAtt = addAttribute(CharTermAttribute.class);
    private final PositionIncrementAttribute posIncAtt = addAttribute(PositionIncrementAttribute.class);
    private final TypeAttribute typeAtt = addAttribute(TypeAttribute.class);

    private final DanishDecompounder.Segmenter segmenter;
    private final int minWordSize;
    private final int[] partStart;
    private final int[] partEnd;
    private final char[] original = new char[DanishDecompounder.MAX_WORD_LENGTH];
    private State originalState;
    private int partCount;
    private int nextPart;

    DanishDecompoundFilter(TokenStream input, DanishDecompounder decompounder) {
        super(input);
        this.segmenter = decompounder.newSegmenter();
        this.minWordSize = decompounder.minWordSize();
        this.partStart = new int[decompounder.maxParts()];
        this.partEnd = new int[decompounder.maxParts()];
    }

    @Override
    public boolean incrementToken() throws IOException {
        if (nextPart < partCount) {
            restoreState(originalState); // offsets, flags, keyword etc. of the original
            int p = nextPart++;
            termAtt.copyBuffer(original, partStart[p], partEnd[p] - partStart[p]);
            posIncAtt.setPositionIncrement(0);
            typeAtt.setType(SUBWORD_TYPE);
            return true;
        }
        originalState = null;
        partCount = 0;
        nextPart = 0;
        if (input.incrementToken() == false) {
            return false;
        }
        int len = termAtt.length();
        if (len >= minWordSize && len <= DanishDecompounder.MAX_WORD_LENGTH) {
            int parts = segmenter.segment(termAtt.buffer(), len, partStart, partEnd);
            if (parts > 0) {
                System.arraycopy(termAtt.buffer(), 0, original, 0, len);
                originalState = captureState();
                partCount = parts;
            }
        }
        return true; // the original token, unchanged
    }

    @Override
    public void reset() throws IOException {
        super.reset();
        originalState = null;
        partCount = 0;
        nextPart = 0;
    }
}
