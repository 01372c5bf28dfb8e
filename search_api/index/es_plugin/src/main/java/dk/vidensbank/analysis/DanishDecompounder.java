package dk.vidensbank.analysis;

import org.apache.lucene.analysis.CharArraySet;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Splits a Danish compound into word-list parts that cover the whole word, e.g.
 * "anbringelsessager" &rarr; anbringelse + (s) + sager.
 *
 * <p>A segmentation is {@code part1 [link] part2 [link] ... partK}, 2 &le; K &le; maxParts,
 * where every part is a word-list entry of at least {@code minPartSize} chars, {@code [link]} is
 * an optional linking letter (fuge-s / fuge-e) and nothing is left over. The last part is never
 * followed by a linking letter. A part must not be in the excluded set, and a part other than the
 * first must not be in the excluded-suffix set.
 *
 * <p>Each piece of the token between two boundaries has exactly one reading. If it ends with a
 * linking letter, is not the last piece, and both "part" and "part + linking letter" work:
 * <ul>
 *   <li>a final "s" is the linking letter: "anbringelses" is anbringelse + s (wdanish lists the
 *       genitive "anbringelses" as a word, but the part to emit is "anbringelse");</li>
 *   <li>any other letter stays in the part: "pleje" stays "pleje" (wdanish also lists the
 *       imperative "plej"), "syge" stays "syge".</li>
 * </ul>
 * If only one reading works, that one is used ("børne" is børn + e, because "børne" is not a word).
 *
 * <p>Among all segmentations the best one is chosen by, in this order:
 * <ol>
 *   <li>fewest parts ("socialrådgiverforening" is socialrådgiver + forening, not social + rådgiver + forening);</li>
 *   <li>fewest linking letters ("vandstand" is vand + stand, not vand + s + tand);</li>
 *   <li>longest last part, then longest second-to-last part, and so on. Danish compounds are
 *       right-headed, and a short last part is usually an ending that happens to be a word:
 *       "anbringelsessager" is anbringelse + s + sager, not anbringelses + s + ager;
 *       "sygeplejerske" is syge + plejerske, not sygeplejer + ske.</li>
 * </ol>
 *
 * <p>The search is a dynamic programme over (end position, number of parts) on prefixes of the
 * token: at most maxParts &middot; n&sup2; steps and n&sup2; word-list look-ups per token, each look-up
 * hashing the chars in place (no String is built). It stops at the smallest number of parts that works.
 *
 * <p>Instances are immutable and shared by all streams of a filter factory; per-stream scratch
 * space lives in {@link Segmenter}.
 */
final class DanishDecompounder {

    /** Tokens longer than this are not decompounded (no Danish compound is that long; protects against junk tokens). */
    static final int MAX_WORD_LENGTH = 64;

    /**
     * Default for {@code excluded_parts} ({@code _danish_}): entries never used as a part anywhere.
     * Prepositions, adverbs, particles and prefixes that begin lexicalised words (ind+dragelse,
     * under+retning, til+synet, for+ældre, sam+arbejde, med+lemmer, per+soner, inde+holder,
     * sammen+hæng, god+kende), and rare or odd word-list entries that begin common words of the
     * Vidensbank texts (besk+rive, fors+vinde, pro+grammet, rap+porten, kar+akter, bil+leder,
     * kul+turen, net+værket, beg+rundet, hal+vandet). Tuned on the sample corpus with wdanish.
     */
    static final List<String> DANISH_EXCLUDED_PARTS = List.of(
        "af", "an", "bag", "be", "beg", "begiv", "besk", "bet", "bi", "bil", "dan", "dav", "der", "dia",
        "efter", "eng", "ens", "er", "fast", "for", "fore", "foret", "fors", "fort", "forud", "fra", "frem",
        "fri", "gen", "gennem", "god", "hal", "hen", "her", "hvor", "ind", "inde", "kar", "kommen", "kul",
        "man", "med", "mellem", "mis", "mod", "ned", "net", "nor", "om", "op", "over", "per", "pik", "pro",
        "på", "rap", "sam", "sammen", "samt", "til", "tran", "u", "ud", "ude", "uden", "und", "under",
        "unders", "underst", "van", "var", "ved", "videre"
    );

    /**
     * Default for {@code excluded_suffix_parts} ({@code _danish_}): word-list entries that are also
     * Danish inflectional or derivational endings (or end common simple words). They are never used
     * as the 2nd, 3rd, ... part (a compound may still start with them: lige+stilling), because as a
     * later part they mostly split an inflected simple word: vurder+ingen, kommun+ens, sikker+hed,
     * natur+lig, politi+ske, registre+ring, institut+ion, minut+ter, dokument+e+ret, mark+e+rede,
     * eksempel+vis, tilpas+set, søs+kende, hin+anden.
     */
    static final List<String> DANISH_EXCLUDED_SUFFIX_PARTS = List.of(
        "ager", "agere", "agerede", "aget", "alen", "alt", "anden", "andet", "bar", "bare", "den", "des",
        "det", "dige", "digt", "ede", "eder", "elles", "else", "elsen", "elser", "ende", "ender", "endes",
        "ene", "enes", "ens", "enten", "ere", "erne", "fer", "gens", "gere", "gerne", "ges", "hed", "heden",
        "hedens", "heder", "hederne", "heds", "iler", "ingen", "ingens", "ion", "ionen", "ionens", "ioner",
        "ionerne", "ions", "isat", "ise", "iser", "isme", "ist", "isten", "ister", "isters", "iver", "kede",
        "kende", "kere", "kerne", "kernes", "lem", "len", "lens", "ler", "les", "let", "lig", "lige",
        "lighed", "ligheden", "ligheder", "lighederne", "ligt", "lin", "men", "mens", "mere", "meste",
        "raget", "rede", "redes", "ren", "rende", "rendes", "rene", "rens", "ret", "ring", "ringe", "ringen",
        "ringens", "ringer", "rings", "ris", "sen", "sende", "sens", "ser", "ses", "set", "skab", "skaber",
        "skaberne", "skabet", "skabs", "ske", "sker", "skes", "soner", "tarer", "ten", "tenes", "tens", "ter",
        "terne", "ters", "tes", "tisk", "tre", "uren", "ven", "vis", "vor"
    );

    private final CharArraySet dictionary;
    private final CharArraySet excluded;
    private final CharArraySet excludedSuffixes;
    private final char[] linkingLetters;
    private final int minWordSize;
    private final int minPartSize;
    private final int maxParts;

    DanishDecompounder(CharArraySet dictionary, CharArraySet excluded, CharArraySet excludedSuffixes, String linkingLetters,
                       int minWordSize, int minPartSize, int maxParts) {
        if (minPartSize < 1 || maxParts < 2 || maxParts > 8 || minWordSize < 2) {
            throw new IllegalArgumentException(
                "[vb_decompound_da] needs min_part_size >= 1, 2 <= max_parts <= 8 and min_word_size >= 2, got min_part_size="
                    + minPartSize + ", max_parts=" + maxParts + ", min_word_size=" + minWordSize
            );
        }
        this.dictionary = dictionary;
        this.excluded = excluded;
        this.excludedSuffixes = excludedSuffixes;
        this.linkingLetters = linkingLetters.toLowerCase(Locale.ROOT).toCharArray();
        this.minWordSize = minWordSize;
        this.minPartSize = minPartSize;
        this.maxParts = maxParts;
    }

    int minWordSize() {
        return minWordSize;
    }

    int maxParts() {
        return maxParts;
    }

    private boolean isPart(char[] buf, int start, int end) {
        int len = end - start;
        return len >= minPartSize
            && dictionary.contains(buf, start, len)
            && excluded.contains(buf, start, len) == false
            && (start == 0 || excludedSuffixes.contains(buf, start, len) == false);
    }

    private boolean isLinkingLetter(char c) {
        char lc = Character.toLowerCase(c);
        for (char l : linkingLetters) {
            if (l == lc) {
                return true;
            }
        }
        return false;
    }

    Segmenter newSegmenter() {
        return new Segmenter();
    }

    /** Scratch space for one token stream (not thread-safe; one per filter instance). */
    final class Segmenter {
        private static final byte UNKNOWN = 0, NONE = 1, PLAIN = 2, LINKED = 3;
        private static final int STRIDE = MAX_WORD_LENGTH + 1;

        // piece[i * STRIDE + j]: how [i, j) reads as a piece that is followed by another piece (lazily filled)
        private final byte[] piece = new byte[STRIDE * STRIDE];
        // links[k][j]: fewest linking letters when [0, j) is split into exactly k pieces, -1 = impossible
        // start[k][j]: start of the last of those k pieces in that best split
        private final int[][] links = new int[maxParts + 1][STRIDE];
        private final int[][] start = new int[maxParts + 1][STRIDE];

        /**
         * Finds the best segmentation of {@code buf[0, n)}. On success writes the parts (without
         * linking letters) as [partStart[p], partEnd[p]) and returns their number; returns 0
         * when the token is too short or too long, or has no full segmentation.
         * {@code partStart} and {@code partEnd} need room for {@link #maxParts()} entries.
         */
        int segment(char[] buf, int n, int[] partStart, int[] partEnd) {
            if (n < minWordSize || n > MAX_WORD_LENGTH || n < 2 * minPartSize) {
                return 0;
            }
            for (int i = 0; i < n; i++) {
                Arrays.fill(piece, i * STRIDE, i * STRIDE + n, UNKNOWN);
            }
            // k = 1: [0, j) is the first piece
            links[1][0] = -1;
            for (int j = 1; j < n; j++) {
                byte kind = j >= minPartSize ? pieceKind(buf, 0, j) : NONE;
                links[1][j] = kind == NONE ? -1 : (kind == LINKED ? 1 : 0);
                start[1][j] = 0;
            }
            for (int k = 2; k <= maxParts; k++) {
                // Does [0, n) split into k pieces? The last piece [i, n) must be a part as it is
                // (no linking letter at the end). Ascending i: on equal link counts the longer last piece wins.
                int best = -1, bestStart = -1;
                for (int i = (k - 1) * minPartSize; i <= n - minPartSize; i++) {
                    int before = links[k - 1][i];
                    if (before >= 0 && (best < 0 || before < best) && isPart(buf, i, n)) {
                        best = before;
                        bestStart = i;
                    }
                }
                if (best >= 0) {
                    return collect(buf, n, k, bestStart, partStart, partEnd); // fewest parts wins
                }
                if (k == maxParts) {
                    break;
                }
                // otherwise: best splits of every proper prefix [0, j) into k pieces, for the next round
                links[k][0] = -1;
                for (int j = 1; j < n; j++) {
                    best = -1;
                    bestStart = -1;
                    for (int i = (k - 1) * minPartSize; i <= j - minPartSize; i++) {
                        int before = links[k - 1][i];
                        if (before < 0) {
                            continue;
                        }
                        byte kind = pieceKind(buf, i, j);
                        if (kind == NONE) {
                            continue;
                        }
                        int total = before + (kind == LINKED ? 1 : 0);
                        if (best < 0 || total < best) {
                            best = total;
                            bestStart = i;
                        }
                    }
                    links[k][j] = best;
                    start[k][j] = bestStart;
                }
            }
            return 0;
        }

        /** Walks the best split back from its last piece [lastStart, n) and writes the parts left to right. */
        private int collect(char[] buf, int n, int k, int lastStart, int[] partStart, int[] partEnd) {
            partStart[k - 1] = lastStart;
            partEnd[k - 1] = n;
            int j = lastStart;
            for (int p = k - 2; p >= 0; p--) {
                int i = start[p + 1][j];
                partStart[p] = i;
                partEnd[p] = pieceKind(buf, i, j) == LINKED ? j - 1 : j;
                j = i;
            }
            return k;
        }

        /**
         * How [i, j) reads when another piece follows. When both readings work, a final "s" is a
         * linking letter (the list has genitives: "anbringelses" = "anbringelse" + s) and any other
         * linking letter stays in the part (the list has imperatives: "pleje" is read as "pleje",
         * not "plej" + e).
         */
        private byte pieceKind(char[] buf, int i, int j) {
            int idx = i * STRIDE + j;
            byte kind = piece[idx];
            if (kind == UNKNOWN) {
                boolean linked = j - i > minPartSize && isLinkingLetter(buf[j - 1]) && isPart(buf, i, j - 1);
                if (linked && Character.toLowerCase(buf[j - 1]) == 's') {
                    kind = LINKED;
                } else if (isPart(buf, i, j)) {
                    kind = PLAIN;
                } else {
                    kind = linked ? LINKED : NONE;
                }
                piece[idx] = kind;
            }
            return kind;
        }
    }
}
