package dk.vidensbank.analysis;

import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.OffsetAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.TypeAttribute;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.StringReader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs the factories on plain Lucene streams (no Elasticsearch needed) and checks the plugin metadata. */
class FiltersTest {

    /** whitespace tokenizer + lowercase + the given filters, in order; returns the terms. */
    private static List<String> analyze(String text, TokenFilterFactory... filters) throws IOException {
        WhitespaceTokenizer tokenizer = new WhitespaceTokenizer();
        tokenizer.setReader(new StringReader(text));
        TokenStream ts = new LowerCaseFilter(tokenizer);
        for (TokenFilterFactory f : filters) {
            ts = f.create(ts);
        }
        List<String> terms = new ArrayList<>();
        CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
        ts.reset();
        while (ts.incrementToken()) {
            terms.add(term.toString());
        }
        ts.end();
        ts.close();
        return terms;
    }

    @Test
    void danishStemmerConflatesInflections() throws IOException {
        List<String> stems = analyze("anbringelserne anbringelsen anbringelser", new DanishStemmerFilterFactory());
        assertEquals(List.of("anbring", "anbring", "anbring"), stems);
    }

    @Test
    void englishChainStemsInflectionsAndPossessives() throws IOException {
        TokenFilterFactory possessive = new EnglishPossessiveFilterFactory();
        TokenFilterFactory stemmer = new EnglishStemmerFilterFactory();
        assertEquals(List.of("placement", "placement", "children", "report", "report", "report", "study", "family"),
            analyze("placements placement children's reporting reported reports studies families", possessive, stemmer));
        // The typographic apostrophe too.
        assertEquals(List.of("child"), analyze("child\u2019s", possessive, stemmer));
        // KStem keeps apart what Porter merges.
        assertNotEquals(analyze("university", stemmer), analyze("universe", stemmer));
        assertNotEquals(analyze("policy", stemmer), analyze("police", stemmer));
        assertNotEquals(analyze("organization", stemmer), analyze("organ", stemmer));
    }

    @Test
    void normalizationMatchesBothSpellings() throws IOException {
        String text = "Ældreministeriet aeldreministeriet Århus Aarhus";
        assertEquals(List.of("ældreministeriet", "ældreministeriet", "århus", "århus"),
            analyze(text, new ScandinavianNormalizationFilterFactory()));
        // normalization keeps ø/å apart from o/a (folding would merge bør/bor, får/far)
        assertNotEquals(analyze("bør", new ScandinavianNormalizationFilterFactory()), analyze("bor"));
        assertNotEquals(analyze("får", new ScandinavianNormalizationFilterFactory()), analyze("far"));
    }

    @Test
    void wordListFileFormatAndCache(@TempDir Path dir) throws IOException {
        Path words = dir.resolve("words.txt");
        Files.writeString(words, "\uFEFF# test list\nbørn\n\n  inddragelse  \nElse\n", StandardCharsets.UTF_8);
        CharArraySet all = WordLists.get(words, "test", false);
        assertEquals(3, all.size()); // byte order mark, comment, blank line and spaces skipped
        assertTrue(all.contains("børn") && all.contains("INDDRAGELSE") && all.contains("else"));
        CharArraySet lowercaseOnly = WordLists.get(words, "test", true);
        assertEquals(2, lowercaseOnly.size());
        assertFalse(lowercaseOnly.contains("else"));
        // same path and variant again: the cached set is reused
        assertSame(all, WordLists.get(words, "test", false));
        assertSame(lowercaseOnly, WordLists.get(words, "test", true));
    }

    @Test
    void relativeWordListPathResolvesInConfigDir(@TempDir Path home) {
        assumeTrue(System.getenv("ES_PATH_CONF") == null, "ES_PATH_CONF overrides es.path.home");
        String before = System.getProperty("es.path.home");
        System.setProperty("es.path.home", home.toString());
        try {
            assertEquals(home.resolve("config/analysis/words.txt"), WordLists.resolveInConfigDir("analysis/words.txt"));
            assertEquals(Path.of("/abs/words.txt"), WordLists.resolveInConfigDir("/abs/words.txt"));
        } finally {
            if (before == null) {
                System.clearProperty("es.path.home");
            } else {
                System.setProperty("es.path.home", before);
            }
        }
    }

    private static DanishDecompoundFilterFactory decompound(Path wordList, int minWordSize, int minPartSize, int maxParts,
                                                            String linkingLetters, List<String> excluded, List<String> excludedSuffixes,
                                                            boolean ignoreCapitalized) {
        return new DanishDecompoundFilterFactory(new DanishDecompoundFilterFactory.Settings() {
            public String wordListPath() { return wordList.toString(); }
            public int minWordSize() { return minWordSize; }
            public int minPartSize() { return minPartSize; }
            public int maxParts() { return maxParts; }
            public String linkingLetters() { return linkingLetters; }
            public List<String> excludedParts() { return excluded; }
            public List<String> excludedSuffixParts() { return excludedSuffixes; }
            public boolean ignoreCapitalizedWords() { return ignoreCapitalized; }
        });
    }

    /** vb_decompound_da with its defaults (what Elasticsearch passes when only word_list_path is set). */
    private static DanishDecompoundFilterFactory decompound(Path wordList) {
        return decompound(wordList, 8, 3, 4, "se", List.of(), List.of(), true);
    }

    /** term@positionIncrement/type/startOffset-endOffset for every token. */
    private static List<String> analyzeDetailed(String text, TokenFilterFactory filter) throws IOException {
        WhitespaceTokenizer tokenizer = new WhitespaceTokenizer();
        tokenizer.setReader(new StringReader(text));
        TokenStream ts = filter.create(new LowerCaseFilter(tokenizer));
        CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
        PositionIncrementAttribute posInc = ts.addAttribute(PositionIncrementAttribute.class);
        TypeAttribute type = ts.addAttribute(TypeAttribute.class);
        OffsetAttribute offset = ts.addAttribute(OffsetAttribute.class);
        List<String> tokens = new ArrayList<>();
        ts.reset();
        while (ts.incrementToken()) {
            tokens.add(term + "@" + posInc.getPositionIncrement() + "/" + type.type() + "/" + offset.startOffset() + "-" + offset.endOffset());
        }
        ts.end();
        ts.close();
        return tokens;
    }

    private static Path smallDanishList(Path dir) throws IOException {
        // The traps of the full wdanish list in miniature: genitives (anbringelses, netværks),
        // imperatives (plej, syg), short words that are endings (ager, ske, ens, ingen), particles (ind)
        // and capitalised names (Else).
        Path words = dir.resolve("danish.txt");
        Files.writeString(words, String.join("\n",
            "# test list", "børn", "inddragelse", "dragelse", "ind", "anbringelse", "anbringelses", "sager", "sag", "ager",
            "ansøgning", "ansøgnings", "puljer", "pulje", "pleje", "plej", "familier", "familie", "social", "rådgiver",
            "socialrådgiver", "forening", "netværk", "netværks", "syg", "syge", "sygeplejer", "plejerske", "ske",
            "vand", "vands", "stand", "tand", "kommune", "kommun", "ens", "vurder", "ingen", "vurdering", "Else",
            "bringe", "anbring", "barnet", "kommunen", "sags", "behandler", "tid"), StandardCharsets.UTF_8);
        return words;
    }

    @Test
    void decompoundSplitsWholeWordsOnly(@TempDir Path dir) throws IOException {
        DanishDecompoundFilterFactory f = decompound(smallDanishList(dir));
        assertEquals(List.of("børneinddragelse", "børn", "inddragelse"), analyze("børneinddragelse", f));
        assertEquals(List.of("anbringelsessager", "anbringelse", "sager"), analyze("anbringelsessager", f));
        assertEquals(List.of("ansøgningspuljer", "ansøgning", "puljer"), analyze("ansøgningspuljer", f));
        assertEquals(List.of("plejefamilier", "pleje", "familier"), analyze("plejefamilier", f));
        assertEquals(List.of("socialrådgiverforening", "socialrådgiver", "forening"), analyze("socialrådgiverforening", f));
        assertEquals(List.of("netværksanbringelse", "netværk", "anbringelse"), analyze("netværksanbringelse", f));
        assertEquals(List.of("sygeplejerske", "syge", "plejerske"), analyze("sygeplejerske", f));
        assertEquals(List.of("vandstand", "vand", "stand"), analyze("vandstand", f));
        // no full segmentation, too short, particles, endings: unchanged
        assertEquals(List.of("barnet", "kommunen", "inddragelse", "vurderingen", "kommunens", "anbringelsesx"),
            analyze("barnet kommunen inddragelse vurderingen kommunens anbringelsesx", f));
    }

    @Test
    void decompoundEmitsSubwordsAtTheOriginalPosition(@TempDir Path dir) throws IOException {
        assertEquals(
            List.of("de@1/word/0-2", "anbringelsessager@1/word/3-20", "anbringelse@0/<SUBWORD>/3-20", "sager@0/<SUBWORD>/3-20",
                "barnet@1/word/21-27"),
            analyzeDetailed("De anbringelsessager barnet", decompound(smallDanishList(dir))));
    }

    @Test
    void decompoundSettings(@TempDir Path dir) throws IOException {
        Path words = smallDanishList(dir);
        // max_parts=2: three-part words stay whole
        Files.writeString(dir.resolve("three.txt"), "sag\nbehandling\ntid\n", StandardCharsets.UTF_8);
        assertEquals(List.of("sagsbehandlingstid", "sag", "behandling", "tid"), analyze("sagsbehandlingstid", decompound(dir.resolve("three.txt"))));
        assertEquals(List.of("sagsbehandlingstid"),
            analyze("sagsbehandlingstid", decompound(dir.resolve("three.txt"), 8, 3, 2, "se", List.of(), List.of(), true)));
        // no linking letters
        assertEquals(List.of("børneinddragelse"), analyze("børneinddragelse", decompound(words, 8, 3, 4, "", List.of(), List.of(), true)));
        // min_word_size
        assertEquals(List.of("vandstand"), analyze("vandstand", decompound(words, 10, 3, 4, "se", List.of(), List.of(), true)));
        // min_part_size=4 forbids "sag"
        assertEquals(List.of("sagsbehandlingstid"),
            analyze("sagsbehandlingstid", decompound(dir.resolve("three.txt"), 8, 4, 4, "se", List.of(), List.of(), true)));
        // excluded_parts: _none_ lets the particle "ind" split "inddragelse"; own words replace the defaults
        assertEquals(List.of("inddragelse", "ind", "dragelse"),
            analyze("inddragelse", decompound(words, 8, 3, 4, "se", List.of("_none_"), List.of(), true)));
        assertEquals(List.of("anbringelsessager"),
            analyze("anbringelsessager", decompound(words, 8, 3, 4, "se", List.of("_danish_", "sager"), List.of(), true)));
        // excluded_suffix_parts: with none, "vurderingen" splits into the imperative + "ingen"
        assertEquals(List.of("vurderingen", "vurder", "ingen"),
            analyze("vurderingen", decompound(words, 8, 3, 4, "se", List.of(), List.of("_none_"), true)));
        // ignore_capitalized_words=false: "Else" counts, "anbringelse" = "anbring" + "else"
        assertEquals(List.of("anbringelse", "anbring", "else"),
            analyze("anbringelse", decompound(words, 8, 3, 4, "se", List.of(), List.of("_none_"), false)));
        assertEquals(List.of("anbringelse"), analyze("anbringelse", decompound(words, 8, 3, 4, "se", List.of(), List.of("_none_"), true)));
        // invalid numbers are rejected when the filter is defined
        assertThrows(IllegalArgumentException.class, () -> decompound(words, 8, 3, 1, "se", List.of(), List.of(), true));
        assertThrows(IllegalArgumentException.class, () -> decompound(words, 8, 0, 4, "se", List.of(), List.of(), true));
    }

    @Test
    void decompoundWithoutWordListFailsOnlyWhenUsed(@TempDir Path dir) {
        // no word_list_path: constructing must work (ES does that for every index), using must not
        DanishDecompoundFilterFactory unconfigured = decompound(Path.of(""));
        assertThrows(IllegalArgumentException.class, () -> analyze("børneinddragelse", unconfigured));
        assertThrows(IllegalArgumentException.class, () -> decompound(dir.resolve("missing.txt")));
    }

    /** The examples of the README against the real Debian wdanish list, when it is installed. */
    @Test
    void decompoundWithFullDanishWordList() throws IOException {
        Path wdanish = Path.of("/usr/share/dict/danish");
        assumeTrue(Files.isReadable(wdanish), "wdanish not installed");
        DanishDecompoundFilterFactory f = decompound(wdanish);
        Map<String, List<String>> expected = new java.util.LinkedHashMap<>();
        expected.put("børneinddragelse", List.of("børn", "inddragelse"));
        expected.put("anbringelsessager", List.of("anbringelse", "sager"));
        expected.put("ansøgningspuljer", List.of("ansøgning", "puljer"));
        expected.put("plejefamilier", List.of("pleje", "familier"));
        expected.put("socialrådgiverforening", List.of("socialrådgiver", "forening"));
        expected.put("netværksanbringelse", List.of("netværk", "anbringelse"));
        expected.put("sagsbehandler", List.of("sag", "behandler"));
        expected.put("underretningspligt", List.of("underretning", "pligt"));
        expected.put("sygeplejerske", List.of("syge", "plejerske"));
        for (String simple : List.of("barnet", "kommunen", "inddragelse", "underretning", "tilsynet", "samarbejde",
            "vurderingen", "sikkerhed", "institutionen", "politiske", "dokumenteret", "beskæftigelse")) {
            expected.put(simple, List.of());
        }
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            List<String> want = new ArrayList<>();
            want.add(e.getKey());
            want.addAll(e.getValue());
            assertEquals(want, analyze(e.getKey(), f), e.getKey());
        }
    }

    /** named_components.json is written by hand; it must list exactly the @NamedComponent classes. */
    @Test
    void namedComponentsJsonMatchesClasses() throws Exception {
        String json = Files.readString(Path.of(System.getProperty("plugin.metadata.dir"), "named_components.json"));
        Map<String, String> listed = new TreeMap<>();
        Matcher m = Pattern.compile("\"(vb_\\w+)\"\\s*:\\s*\"([\\w.]+)\"").matcher(json);
        while (m.find()) {
            listed.put(m.group(1), m.group(2));
        }
        assertEquals(true, json.contains("\"" + TokenFilterFactory.class.getName() + "\""));

        Map<String, String> annotated = new TreeMap<>();
        for (Class<?> c : compiledClasses()) {
            NamedComponent nc = c.getAnnotation(NamedComponent.class);
            if (nc != null) {
                assertEquals(true, TokenFilterFactory.class.isAssignableFrom(c), c + " is not a TokenFilterFactory");
                annotated.put(nc.value(), c.getName());
            }
        }
        assertEquals(annotated, listed);
        assertEquals(5, listed.size());
    }

    private static List<Class<?>> compiledClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        Path root = Path.of(DanishStemmerFilterFactory.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Class<?>> classes = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = root.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", "");
                classes.add(Class.forName(name));
            }
        }
        return classes;
    }
}
