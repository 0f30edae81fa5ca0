package newsagg.seed;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import newsagg.core.domain.NewArticle;

/**
 * Generates the synthetic corpus of a {@link CorpusSpec}: sources with Zipf-skewed activity, and articles spread over
 * the window with a daily rhythm (busy afternoons, quiet nights and weekends), written in a Zipf-distributed
 * news vocabulary, with a few bursty multi-word stories in the last hours for trending to find. Each article is a pure
 * function of the spec and its number, so the corpus can be streamed in any order or in parallel ranges, and two
 * generators with the same spec produce identical data.
 */
public final class CorpusGenerator {

    static final double SOURCE_EXPONENT = 0.9;

    private static final long SOURCE_STREAM = 1;
    private static final long ARTICLE_STREAM = 2;
    private static final long AUTHOR_STREAM = 3;
    private static final int BUCKET_SECONDS = 600;
    private static final int SECONDS_PER_DAY = 86_400;

    private static final String[] FUNCTION_WORDS = {
        "the", "of", "to", "in", "and", "for", "on", "with", "at", "by", "from", "as", "after", "over", "amid", "into"};
    private static final String[] TITLE_ADJECTIVES = {
        "Daily", "Evening", "Morning", "Weekly", "Northern", "Southern", "Eastern", "Western", "Metro", "Harbor",
        "Valley", "Capital", "County", "Coastal", "Union", "Lakeside", "Riverside", "Highland", "Prairie", "Frontier",
        "Continental", "National", "Global", "Independent", "Citizen", "Pioneer", "Liberty", "Commonwealth", "Civic",
        "Republic", "Midland", "Atlantic", "Pacific", "Summit", "Granite", "Bay", "Sunday", "Market", "Public", "Free"};
    private static final String[] TITLE_NOUNS = {
        "Ledger", "Gazette", "Chronicle", "Herald", "Tribune", "Courier", "Post", "Observer", "Dispatch", "Sentinel",
        "Times", "Journal", "Record", "Examiner", "Bulletin", "Review", "Beacon", "Monitor", "Register", "Wire",
        "Standard", "Telegraph", "Enquirer", "Messenger"};
    private static final int[] TITLE_STRIDES = {7, 11, 13, 17, 19, 23, 29, 31};
    private static final String[] FIRST_NAMES = {
        "Amira", "Ben", "Carla", "Daniel", "Elena", "Farid", "Grace", "Hiro", "Ines", "James", "Kofi", "Laura",
        "Mateo", "Nadia", "Oliver", "Priya", "Quinn", "Rosa", "Samuel", "Tara", "Umar", "Vera", "Wei", "Ximena",
        "Yusuf", "Zoe", "Anna", "Marcus", "Leila", "Tom"};
    private static final String[] LAST_NAMES = {
        "Adams", "Bauer", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Hughes", "Ibrahim", "Jensen", "Kim",
        "Lopez", "Murphy", "Nakamura", "Okafor", "Patel", "Quist", "Rossi", "Silva", "Thompson", "Usman", "Varga",
        "Walsh", "Xu", "Young", "Zimmer", "Novak", "Haddad", "Moreau", "Lindqvist"};
    private static final String[] CATEGORIES = {
        "Politics", "Business", "World", "Technology", "Health", "Science", "Sports", "Climate", "Economy", "Local",
        "Culture", "Education", "Opinion", "Crime & Justice", "Markets", "Travel", "Arts", "Entertainment", "Energy",
        "Transport", "U.S.", "Europe", "Asia", "Africa", "Weather", "Media", "Food", "Religion", "Property", "Defense"};

    private final CorpusSpec spec;
    private final Vocabulary vocabulary;
    private final ZipfSampler sourceActivity;
    private final ZipfSampler categoryPopularity;
    private final double[] timeline;
    private final long windowStartSecond;
    private final long nowSecond;
    private final List<Story> stories;

    public CorpusGenerator(CorpusSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.vocabulary = new Vocabulary(Vocabulary.DEFAULT_SIZE);
        this.sourceActivity = new ZipfSampler(spec.sources(), SOURCE_EXPONENT);
        this.categoryPopularity = new ZipfSampler(CATEGORIES.length, 1.0);
        this.nowSecond = spec.now().getEpochSecond();
        this.windowStartSecond = nowSecond - (long) spec.days() * SECONDS_PER_DAY;
        this.timeline = timeline(windowStartSecond, spec.days());
        this.stories = Story.ALL.stream().filter(story -> story.peakHoursAgo() < spec.days() * 24.0).toList();
    }

    public CorpusSpec spec() {
        return spec;
    }

    /** All sources, in number order. */
    public List<CorpusSource> sources() {
        return IntStream.rangeClosed(1, spec.sources()).mapToObj(this::source).toList();
    }

    /** All articles, in number order, generated lazily: the stream holds one article at a time. */
    public Stream<CorpusArticle> articles() {
        return articles(1, spec.articles() + 1L);
    }

    /** Articles {@code from} (inclusive) to {@code to} (exclusive), generated lazily. */
    public Stream<CorpusArticle> articles(long from, long to) {
        if (from < 1 || to > spec.articles() + 1L || from > to) {
            throw new IllegalArgumentException("article range [" + from + ", " + to + ") is outside 1.." + spec.articles());
        }
        return LongStream.range(from, to).mapToObj(this::article);
    }

    /** Source {@code number} (1-based). */
    public CorpusSource source(int number) {
        if (number < 1 || number > spec.sources()) {
            throw new IllegalArgumentException("source " + number + " is outside 1.." + spec.sources());
        }
        SplitMix random = SplitMix.of(spec.seed(), SOURCE_STREAM, number);
        int combinations = TITLE_ADJECTIVES.length * TITLE_NOUNS.length;
        // A seed-dependent stride coprime with the number of combinations (960) walks all of them before repeating.
        int stride = TITLE_STRIDES[(int) Math.floorMod(spec.seed(), (long) TITLE_STRIDES.length)];
        int combination = (int) Math.floorMod((long) (number - 1) * stride + spec.seed(), (long) combinations);
        String title = "The " + TITLE_ADJECTIVES[combination / TITLE_NOUNS.length] + " "
                + TITLE_NOUNS[combination % TITLE_NOUNS.length];
        if (number > combinations) {
            title = title + " " + ((number - 1) / combinations + 1);
        }
        String site = "https://example-news-" + number + ".test/";
        Instant created = Instant.ofEpochSecond(windowStartSecond - SECONDS_PER_DAY * (long) random.between(1, 365));
        Instant lastFetched = Instant.ofEpochSecond(nowSecond - random.between(30, 1_800));
        Instant nextFetch = Instant.ofEpochSecond(nowSecond + random.between(30, 1_800));
        return new CorpusSource(number, title, site + "feed.xml", site, created, lastFetched, nextFetch);
    }

    /** Article {@code number} (1-based). */
    public CorpusArticle article(long number) {
        if (number < 1 || number > spec.articles()) {
            throw new IllegalArgumentException("article " + number + " is outside 1.." + spec.articles());
        }
        SplitMix random = SplitMix.of(spec.seed(), ARTICLE_STREAM, number);
        long published = publishedSecond(number, random);
        int sourceNumber = sourceActivity.sample(random) + 1;
        Story story = pickStory(published, random);

        String title = title(story, random);
        List<String> sentences = summarySentences(story, random);
        String summary = String.join(" ", sentences);
        String contentHtml = contentHtml(sentences, random);
        String author = author(sourceNumber, random);
        List<String> categories = categories(sourceNumber, random);
        long fetched = Math.min(nowSecond, published + random.between(60, 1_800));

        LocalDateTime date = LocalDateTime.ofEpochSecond(published, 0, ZoneOffset.UTC);
        String host = "example-news-" + sourceNumber + ".test";
        String url = "https://" + host + "/" + date.getYear() + "/" + twoDigits(date.getMonthValue()) + "/"
                + slug(title) + "-" + number;
        String guid = "tag:" + host + "," + date.getYear() + ":article-" + number;
        NewArticle article = new NewArticle(guid, guid, url, title, summary, contentHtml, author,
                Instant.ofEpochSecond(published), Instant.ofEpochSecond(fetched), categories);
        return new CorpusArticle(number, sourceNumber, article);
    }

    /**
     * Articles come in publication order, each at its quantile of the daily-rhythm timeline plus a little jitter,
     * so database ids follow time as they do after real ingestion.
     */
    private long publishedSecond(long number, SplitMix random) {
        double u = ((number - 1) + random.nextDouble()) / spec.articles();
        int bucket = ZipfSampler.search(timeline, u);
        double before = bucket == 0 ? 0 : timeline[bucket - 1];
        double width = timeline[bucket] - before;
        double within = width <= 0 ? 0 : Math.min(1, Math.max(0, (u - before) / width));
        long second = windowStartSecond + (long) ((bucket + within) * BUCKET_SECONDS);
        return Math.min(second, nowSecond);
    }

    /** Cumulative publishing intensity per 10-minute bucket: a daily wave peaking mid-afternoon UTC, quieter weekends. */
    private static double[] timeline(long startSecond, int days) {
        int buckets = days * (SECONDS_PER_DAY / BUCKET_SECONDS);
        double[] cumulative = new double[buckets];
        double sum = 0;
        for (int b = 0; b < buckets; b++) {
            long middle = startSecond + (long) b * BUCKET_SECONDS + BUCKET_SECONDS / 2;
            double hour = Math.floorMod(middle, (long) SECONDS_PER_DAY) / 3600.0;
            long day = Math.floorDiv(middle, (long) SECONDS_PER_DAY);
            // 1970-01-01 was a Thursday: days 2 and 3 modulo 7 are Saturday and Sunday.
            boolean weekend = Math.floorMod(day, 7L) == 2 || Math.floorMod(day, 7L) == 3;
            double intensity = (1.0 + 0.7 * StrictMath.cos(2 * Math.PI * (hour - 14.0) / 24.0)) * (weekend ? 0.65 : 1.0);
            sum += intensity;
            cumulative[b] = sum;
        }
        for (int b = 0; b < buckets; b++) {
            cumulative[b] /= sum;
        }
        return cumulative;
    }

    private Story pickStory(long published, SplitMix random) {
        double hoursAgo = (nowSecond - published) / 3600.0;
        double u = random.nextDouble();
        for (Story story : stories) {
            u -= story.share(hoursAgo);
            if (u < 0) {
                return story;
            }
        }
        return null;
    }

    private String title(Story story, SplitMix random) {
        int length = random.between(6, 12);
        StringBuilder title = new StringBuilder(96);
        int words = 0;
        if (story != null) {
            title.append(story.phrase());
            words = story.phraseWords();
        }
        while (words < length) {
            if (title.length() > 0) {
                title.append(' ');
            }
            if (words > 0 && words < length - 1 && random.chance(0.25)) {
                title.append(FUNCTION_WORDS[random.nextInt(FUNCTION_WORDS.length)]).append(' ');
                words++;
            }
            title.append(contentWord(story, random));
            words++;
        }
        title.setCharAt(0, Character.toUpperCase(title.charAt(0)));
        return title.toString();
    }

    /** Sentences of 8 to 16 words, 30 to 80 words in all, never longer together than a stored summary may be. */
    private List<String> summarySentences(Story story, SplitMix random) {
        int target = random.between(30, 80);
        int budget = NewArticle.SUMMARY_MAX_CHARS;
        List<String> sentences = new ArrayList<>(8);
        int words = 0;
        int length = 0;
        while (words < target) {
            int sentenceWords = Math.min(random.between(8, 16), target - words);
            StringBuilder sentence = new StringBuilder(120);
            int inSentence = 0;
            if (story != null && sentenceWords >= 4 && (sentences.isEmpty() || random.chance(0.3))) {
                sentence.append(story.phrase());
                inSentence = story.phraseWords();
            }
            while (inSentence < sentenceWords) {
                String word = inSentence < sentenceWords - 1 && random.chance(0.3)
                        ? FUNCTION_WORDS[random.nextInt(FUNCTION_WORDS.length)]
                        : contentWord(story, random);
                if (sentence.length() > 0) {
                    sentence.append(' ');
                }
                sentence.append(word);
                inSentence++;
            }
            sentence.setCharAt(0, Character.toUpperCase(sentence.charAt(0)));
            sentence.append('.');
            int added = sentence.length() + (sentences.isEmpty() ? 0 : 1);
            if (length + added > budget) {
                if (sentences.isEmpty()) {
                    sentences.add(cutToWord(sentence.toString(), budget));
                }
                break;
            }
            sentences.add(sentence.toString());
            length += added;
            words += inSentence;
        }
        return sentences;
    }

    private static String cutToWord(String sentence, int budget) {
        int space = sentence.lastIndexOf(' ', budget - 1);
        return sentence.substring(0, space > 0 ? space : budget - 1) + ".";
    }

    private String contentWord(Story story, SplitMix random) {
        if (story != null && random.chance(0.2)) {
            return story.related()[random.nextInt(story.related().length)];
        }
        return vocabulary.draw(random);
    }

    /** The summary's sentences as two or three paragraphs. Words are plain ASCII letters, so nothing needs escaping. */
    private static String contentHtml(List<String> sentences, SplitMix random) {
        int paragraphs = Math.min(sentences.size(), random.between(2, 3));
        StringBuilder html = new StringBuilder(600);
        int perParagraph = (sentences.size() + paragraphs - 1) / paragraphs;
        for (int start = 0; start < sentences.size(); start += perParagraph) {
            if (start > 0) {
                html.append('\n');
            }
            html.append("<p>").append(String.join(" ", sentences.subList(start, Math.min(sentences.size(), start + perParagraph))))
                    .append("</p>");
        }
        return html.toString();
    }

    private String author(int sourceNumber, SplitMix random) {
        if (random.chance(0.1)) {
            return null;
        }
        SplitMix staff = SplitMix.of(spec.seed(), AUTHOR_STREAM, sourceNumber);
        int size = staff.between(2, 12);
        int pick = random.nextInt(size);
        for (int i = 0; i < pick; i++) {
            staff.nextLong();
            staff.nextLong();
        }
        return FIRST_NAMES[staff.nextInt(FIRST_NAMES.length)] + " " + LAST_NAMES[staff.nextInt(LAST_NAMES.length)];
    }

    private List<String> categories(int sourceNumber, SplitMix random) {
        double u = random.nextDouble();
        int count = u < 0.15 ? 0 : u < 0.6 ? 1 : u < 0.9 ? 2 : 3;
        List<String> categories = new ArrayList<>(count);
        String primary = CATEGORIES[(int) Math.floorMod(SplitMix.mix(spec.seed() + sourceNumber), (long) CATEGORIES.length)];
        for (int attempt = 0; categories.size() < count && attempt < 10; attempt++) {
            String category = categories.isEmpty() && random.chance(0.7)
                    ? primary
                    : CATEGORIES[categoryPopularity.sample(random)];
            if (!categories.contains(category)) {
                categories.add(category);
            }
        }
        return categories;
    }

    private static String slug(String title) {
        StringBuilder slug = new StringBuilder(title.length());
        int words = 0;
        for (String word : title.split(" ")) {
            if (words == 8) {
                break;
            }
            if (slug.length() > 0) {
                slug.append('-');
            }
            slug.append(word.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]", ""));
            words++;
        }
        return slug.toString();
    }

    private static String twoDigits(int value) {
        return value < 10 ? "0" + value : Integer.toString(value);
    }

    /**
     * A bursty multi-word topic: its share of all articles follows a bell curve around a peak some hours before
     * {@code now}. Its words are absent from the baseline vocabulary, so trending can find them.
     */
    record Story(String phrase, String[] related, double peakHoursAgo, double widthHours, double peakShare) {

        static final List<Story> ALL = List.of(
                new Story("hurricane delphine", new String[] {"landfall", "evacuation", "storm", "surge", "gusts", "shelters"}, 3, 3, 0.25),
                new Story("transit strike", new String[] {"commuters", "subway", "walkout", "picket", "union", "fares"}, 8, 4, 0.15),
                new Story("quantum processor", new String[] {"qubits", "cryogenic", "breakthrough", "entanglement", "lab"}, 14, 5, 0.10),
                new Story("rate decision", new String[] {"basis", "hawkish", "dovish", "inflation", "bonds", "yields"}, 22, 4, 0.12),
                new Story("solar eclipse", new String[] {"totality", "skywatchers", "corona", "moon", "astronomers"}, 30, 3, 0.10),
                new Story("cup final", new String[] {"penalties", "striker", "trophy", "extra", "goalkeeper"}, 40, 5, 0.08),
                new Story("data breach", new String[] {"passwords", "ransomware", "leaked", "customers", "encryption"}, 60, 8, 0.06));

        int phraseWords() {
            return phrase.split(" ").length;
        }

        double share(double hoursAgo) {
            double z = (hoursAgo - peakHoursAgo) / widthHours;
            return peakShare * StrictMath.exp(-0.5 * z * z);
        }
    }
}
