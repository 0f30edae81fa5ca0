package newsagg.seed;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The corpus vocabulary: a few hundred real news words at the head (so that searching for "election" or "market"
 * behaves as on real news) and made-up pronounceable words for the long tail, drawn with a Zipf distribution.
 * It does not depend on the corpus seed: every corpus speaks the same language.
 */
final class Vocabulary {

    static final int DEFAULT_SIZE = 6_000;
    static final double EXPONENT = 1.0;

    private static final String RESOURCE = "news-words.txt";
    private static final String[] ONSETS = {
        "b", "br", "c", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "k", "l", "m", "n", "p", "pr", "r", "s", "st",
        "t", "tr", "v", "w", "z"};
    private static final String[] VOWELS = {"a", "e", "i", "o", "u", "ai", "ea", "ou"};
    private static final String[] CODAS = {"", "", "n", "r", "l", "s", "th", "ck", "m", "nd"};

    private final String[] words;
    private final int realWords;
    private final ZipfSampler ranks;

    Vocabulary(int size) {
        List<String> real = readRealWords();
        if (size < real.size()) {
            throw new IllegalArgumentException("vocabulary size " + size + " is below the " + real.size() + " real words");
        }
        Set<String> all = new LinkedHashSet<>(real);
        // Scrambling the index with an odd multiplier spreads neighbouring ranks over unrelated syllables.
        for (long k = 0; all.size() < size; k++) {
            all.add(syntheticWord(k * 2_654_435_761L));
        }
        this.words = all.toArray(String[]::new);
        this.realWords = real.size();
        this.ranks = new ZipfSampler(size, EXPONENT);
    }

    String draw(SplitMix random) {
        return words[ranks.sample(random)];
    }

    String at(int rank) {
        return words[rank];
    }

    int size() {
        return words.length;
    }

    int realWords() {
        return realWords;
    }

    private static String syntheticWord(long code) {
        long rest = code & Long.MAX_VALUE;
        int syllables = 2 + (int) (rest % 2);
        rest /= 2;
        StringBuilder word = new StringBuilder(12);
        for (int i = 0; i < syllables; i++) {
            word.append(ONSETS[(int) (rest % ONSETS.length)]);
            rest /= ONSETS.length;
            word.append(VOWELS[(int) (rest % VOWELS.length)]);
            rest /= VOWELS.length;
        }
        word.append(CODAS[(int) (rest % CODAS.length)]);
        return word.toString();
    }

    private static List<String> readRealWords() {
        InputStream in = Vocabulary.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            throw new IllegalStateException("missing classpath resource newsagg/core/corpus/" + RESOURCE);
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            List<String> words = new ArrayList<>();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String word = line.strip();
                if (!word.isEmpty() && !word.startsWith("#")) {
                    words.add(word);
                }
            }
            return List.copyOf(new LinkedHashSet<>(words));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
