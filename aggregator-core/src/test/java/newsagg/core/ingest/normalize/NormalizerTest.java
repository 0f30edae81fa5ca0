package newsagg.core.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import newsagg.core.domain.NewArticle;
import newsagg.core.ingest.parse.ParsedFeed;
import newsagg.core.ingest.parse.ParsedFeed.FeedFormat;
import newsagg.core.ingest.parse.ParsedFeed.RawEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NormalizerTest {
    private static final URI FEED_URL = URI.create("https://feeds.example.com/blog/feed.xml");
    private static final Instant FETCHED = Instant.parse("2024-05-01T12:00:00Z");
    private final Normalizer normalizer = new Normalizer();

    private static RawEntry entry(String id, String link, String title, String summary, String content) {
        return new RawEntry(id, link, List.of(), title, summary, content, List.of(), List.of(), null, null);
    }

    private NewArticle one(RawEntry e, String siteUrl) {
        return normalizer.normalize(new ParsedFeed(FeedFormat.RSS_2_0, "F", siteUrl, List.of(e)), FEED_URL, FETCHED).get(0);
    }

    private NewArticle one(RawEntry e) {
        return one(e, "https://www.example.com/blog/");
    }

    @Test
    void an_entry_fetched_again_is_not_normalized_again_but_gets_the_new_fetch_time() {
        Instant later = FETCHED.plusSeconds(3600);
        RawEntry dated = new RawEntry("d", "/d", List.of(), "Dated", "<p>A <b>dated</b> item</p>", null, List.of(),
                List.of(), "Wed, 01 May 2024 12:30:00 GMT", null);
        RawEntry undated = entry("u", "/u", "Undated", "<p>No date</p>", null);
        ParsedFeed feed = new ParsedFeed(FeedFormat.RSS_2_0, "F", "https://www.example.com/", List.of(dated, undated));

        List<NewArticle> first = normalizer.normalize(feed, FEED_URL, FETCHED);
        List<NewArticle> again = normalizer.normalize(feed, FEED_URL, later);

        // The same sanitized text, not a copy: the entry was not sanitized a second time.
        assertThat(again.get(0).contentHtml()).isSameAs(first.get(0).contentHtml());
        assertThat(again.get(0).fetchedAt()).isEqualTo(later);
        assertThat(first.get(0).publishedAt()).as("a date after the fetch is the fetch time").isEqualTo(FETCHED);
        assertThat(again.get(0).publishedAt()).as("but not at a later fetch").isEqualTo(Instant.parse("2024-05-01T12:30:00Z"));
        assertThat(again.get(1).publishedAt()).as("undated: the fetch time").isEqualTo(later);
        assertThat(again).usingRecursiveFieldByFieldElementComparatorIgnoringFields("fetchedAt", "publishedAt")
                .isEqualTo(first);
        assertThat(new Normalizer().normalize(feed, FEED_URL, later)).as("what a first normalization at that time gives")
                .isEqualTo(again);
    }

    @Test
    void the_same_entry_in_another_feed_is_normalized_for_that_feed() {
        RawEntry relative = entry("r", "item.html", "Relative", "<p><a href=\"more.html\">more</a></p>", null);
        NewArticle here = normalizer.normalize(new ParsedFeed(FeedFormat.RSS_2_0, "F", null, List.of(relative)),
                FEED_URL, FETCHED).get(0);
        NewArticle there = normalizer.normalize(new ParsedFeed(FeedFormat.RSS_2_0, "F", null, List.of(relative)),
                URI.create("https://other.example.net/news/feed.xml"), FETCHED).get(0);

        assertThat(here.url()).isEqualTo("https://feeds.example.com/blog/item.html");
        assertThat(there.url()).isEqualTo("https://other.example.net/news/item.html");
        assertThat(there.contentHtml()).contains("https://other.example.net/news/more.html");
    }

    @Test
    void recent_entries_hold_a_bounded_amount_of_text() {
        RecentEntries recent = new RecentEntries();
        String text = "x".repeat((int) (RecentEntries.MAX_CHARS / 64));
        for (int i = 0; i < 200; i++) {
            RawEntry e = entry("id-" + i, null, "T", text, null);
            recent.put(new RecentEntries.Key(e, FEED_URL, null), new RecentEntries.Normalized(
                    new NewArticle("k" + i, null, null, "T", "", text, null, FETCHED, FETCHED, List.of()), null));
        }
        assertThat(recent.chars()).isLessThanOrEqualTo(RecentEntries.MAX_CHARS);
        assertThat(recent.get(new RecentEntries.Key(entry("id-199", null, "T", text, null), FEED_URL, null)))
                .as("the newest is kept").isNotNull();
        assertThat(recent.get(new RecentEntries.Key(entry("id-0", null, "T", text, null), FEED_URL, null)))
                .as("the oldest went first").isNull();
    }

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', textBlock = """
            '  Hello   world  '                  | Hello world
            'Line\none\ttwo'                    | Line one two
            'Fish &amp; Chips'                  | Fish & Chips
            'Fish &amp;amp; Chips'              | Fish &amp; Chips
            '<b>Bold</b> <i>move</i>'           | Bold move
            '&lt;b&gt;escaped&lt;/b&gt; tag'    | <b>escaped</b> tag
            'caf&#233; &#x2013; ok'             | café – ok
            'AT&T rocks'                        | AT&T rocks
            'non&nbsp;breaking'                 | non breaking
            """)
    void titles_become_collapsed_plain_text(String raw, String expected) {
        assertThat(Normalizer.title(raw, "")).isEqualTo(expected);
    }

    @Test
    void missing_title_is_derived_from_the_summary_or_untitled() {
        String longSummary = "This is a long summary sentence that keeps going well beyond the eighty character budget for titles.";
        String derived = Normalizer.title("  ", longSummary);
        assertThat(derived).hasSizeLessThanOrEqualTo(80).endsWith("…");
        assertThat(longSummary).startsWith(derived.substring(0, derived.length() - 1));
        assertThat(Normalizer.title(null, "Short one")).isEqualTo("Short one");
        assertThat(Normalizer.title(null, "")).isEqualTo("(untitled)");
        assertThat(one(entry("1", null, null, "<p>From <b>summary</b></p>", null)).title()).isEqualTo("From summary");
        assertThat(one(entry("1", null, "", null, null)).title()).isEqualTo("(untitled)");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            https://other.example.org/a?b=1#c      | https://other.example.org/a?b=1#c
            HTTP://Example.com/Up                   | HTTP://Example.com/Up
            post/1                                  | https://www.example.com/blog/post/1
            /root/1                                 | https://www.example.com/root/1
            ../up                                   | https://www.example.com/up
            //cdn.example.net/x                     | https://cdn.example.net/x
            ?page=2                                 | https://www.example.com/blog/?page=2
            '  spaced link  '                       | https://www.example.com/blog/spaced%20link
            /ünï code                               | https://www.example.com/%C3%BCn%C3%AF%20code
            javascript:alert(1)                     | NULL
            JavaScript:alert(1)                     | NULL
            data:text/html;base64,PHNjcmlwdD4=      | NULL
            mailto:someone@example.com              | NULL
            ftp://files.example.com/x               | NULL
            file:///etc/passwd                      | NULL
            'http:///nohost'                        | NULL
            ''                                      | NULL
            NULL                                    | NULL
            """)
    void links_resolve_against_the_site_link_and_only_http_survives(String link, String expected) {
        assertThat(one(entry("1", link, "t", null, null)).url()).isEqualTo(expected);
    }

    @Test
    void link_base_order_is_xml_base_then_site_link_then_feed_url() {
        RawEntry withBase = new RawEntry("1", "x", List.of("https://base.example/dir/", "sub/"), "t", null, null,
                List.of(), List.of(), null, null);
        assertThat(one(withBase).url()).isEqualTo("https://base.example/dir/sub/x");
        RawEntry relativeBase = new RawEntry("1", "x", List.of("sub/"), "t", null, null, List.of(), List.of(), null, null);
        assertThat(one(relativeBase).url()).isEqualTo("https://feeds.example.com/blog/sub/x");
        RawEntry trivialBases = new RawEntry("1", "x", List.of("", "#frag"), "t", null, null, List.of(), List.of(), null, null);
        assertThat(one(trivialBases).url()).isEqualTo("https://www.example.com/blog/x");
        assertThat(one(entry("1", "x", "t", null, null), null).url()).isEqualTo("https://feeds.example.com/blog/x");
        assertThat(one(entry("1", "x", "t", null, null), "javascript:void(0)").url())
                .isEqualTo("https://feeds.example.com/blog/x");
        assertThat(one(entry("1", "x", "t", null, null), "http://hostonly.example").url())
                .isEqualTo("http://hostonly.example/x");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            '<p>Hi <script>alert(1)</script>there</p>'                | '<p>Hi there</p>'
            '<style>p{}</style><p>x</p>'                               | '<p>x</p>'
            '<a href="javascript:alert(1)">x</a>'                      | '<a rel="nofollow noopener noreferrer">x</a>'
            '<a href="ftp://f.example/x">x</a>'                        | '<a rel="nofollow noopener noreferrer">x</a>'
            '<a href="mailto:a@b.example">m</a>'                       | '<a href="mailto:a@b.example" rel="nofollow noopener noreferrer">m</a>'
            '<a href="/p" rel="me" onclick="x()">p</a>'                | '<a href="https://www.example.com/p" rel="nofollow noopener noreferrer">p</a>'
            '<img src="data:image/png;base64,AAAA" alt="d">'           | '<img alt="d">'
            '<img src="pic.png" onerror="x()">'                        | '<img src="https://www.example.com/blog/pic.png">'
            '<iframe src="https://evil.example/"></iframe><p>ok</p>'   | '<p>ok</p>'
            '<p style="color:red" class="c">s</p>'                     | '<p>s</p>'
            '<table><tr><td>1</td></tr></table>'                       | '<table><tbody><tr><td>1</td></tr></tbody></table>'
            '<blockquote cite="javascript:x">q</blockquote>'           | '<blockquote>q</blockquote>'
            """)
    void content_is_sanitized_with_the_allowlist(String html, String expected) {
        assertThat(one(entry("1", null, "t", null, html)).contentHtml()).isEqualTo(expected);
    }

    @Test
    void content_prefers_full_content_and_summary_prefers_the_description() {
        NewArticle a = one(entry("1", null, "t", "<p>The short description</p>", "<p>The <b>full</b> content</p>"));
        assertThat(a.contentHtml()).isEqualTo("<p>The <b>full</b> content</p>");
        assertThat(a.summary()).isEqualTo("The short description");
        NewArticle onlyContent = one(entry("1", null, "t", null, "<p>Only <i>content</i></p>"));
        assertThat(onlyContent.summary()).isEqualTo("Only content");
        NewArticle onlyDescription = one(entry("1", null, "t", "<p>Only description</p>", " "));
        assertThat(onlyDescription.contentHtml()).isEqualTo("<p>Only description</p>");
        NewArticle nothing = one(entry("1", null, "t", null, null));
        assertThat(nothing.contentHtml()).isEmpty();
        assertThat(nothing.summary()).isEmpty();
    }

    @Test
    void long_summary_is_cut_at_a_word_boundary_with_an_ellipsis() {
        String words = String.join(" ", Collections.nCopies(200, "word"));
        NewArticle a = one(entry("1", null, "t", "<p>" + words + "</p>", null));
        assertThat(a.summary()).hasSizeLessThanOrEqualTo(NewArticle.SUMMARY_MAX_CHARS).endsWith("word…");
        assertThat(a.summary().length()).isGreaterThan(480);
        String oneLongWord = "x".repeat(1000);
        assertThat(one(entry("1", null, "t", oneLongWord, null)).summary())
                .hasSize(NewArticle.SUMMARY_MAX_CHARS).endsWith("…");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "NULL", textBlock = """
            Tue, 10 Jun 2003 04:00:00 GMT  | NULL                  | 2003-06-10T04:00:00Z
            NULL                           | 2010-01-01T00:00:00Z  | 2010-01-01T00:00:00Z
            weird date                     | 2010-01-01T00:00:00Z  | 2010-01-01T00:00:00Z
            weird date                     | NULL                  | 2024-05-01T12:00:00Z
            NULL                           | NULL                  | 2024-05-01T12:00:00Z
            2099-01-01T00:00:00Z           | NULL                  | 2024-05-01T12:00:00Z
            NULL                           | 2099-01-01T00:00:00Z  | 2024-05-01T12:00:00Z
            Tue, 99 Jun 2003 04:00:00 GMT  | 2003-09-07T04:00:00Z  | 2024-05-01T12:00:00Z
            2003-06-10T25:00:00Z           | 2003-06-11T01:00:00Z  | 2024-05-01T12:00:00Z
            -0312                          | -0312-01-01T00:00:00Z | 2024-05-01T12:00:00Z
            20-07-15                       | 0020-07-15T00:00:00Z  | 2024-05-01T12:00:00Z
            NULL                           | 1899-12-31T23:59:59Z  | 2024-05-01T12:00:00Z
            NULL                           | 1900-01-01T00:00:00Z  | 1900-01-01T00:00:00Z
            1342314960                     | NULL                  | 2012-07-15T01:16:00Z
            """)
    void dates_fall_back_to_the_fetch_time_and_never_exceed_it(String text, String library, String expected) {
        RawEntry e = new RawEntry("1", null, List.of(), "t", null, null, List.of(), List.of(), text,
                library == null ? null : Instant.parse(library));
        assertThat(one(e).publishedAt()).isEqualTo(Instant.parse(expected));
        assertThat(one(e).fetchedAt()).isEqualTo(FETCHED);
    }

    @Test
    void dedupe_key_prefers_guid_then_link_then_content_hash_and_is_bounded() {
        String longGuid = "urn:" + "g".repeat(10_000);
        NewArticle byGuid = one(entry("  " + longGuid + " ", "/p", "t", null, "c"));
        assertThat(byGuid.dedupeKey()).startsWith("g:").hasSize(2 + 43)
                .isEqualTo(Normalizer.dedupeKey(longGuid, null, "", ""));
        NewArticle byLink = one(entry(" ", "/p", "t", null, "c"));
        assertThat(byLink.dedupeKey()).isEqualTo(Normalizer.dedupeKey(null, "https://www.example.com/p", "x", "y"))
                .startsWith("l:").hasSize(45);
        NewArticle byHash = one(entry(null, "javascript:x", "t", null, "c"));
        assertThat(byHash.dedupeKey()).startsWith("h:").hasSize(45)
                .isNotEqualTo(one(entry(null, null, "t", null, "d")).dedupeKey())
                .isEqualTo(one(entry(null, null, "t", null, "c")).dedupeKey());
        assertThat(byGuid.guid()).hasSize(2000);
    }

    @Test
    void duplicate_items_in_one_feed_collapse_to_the_first() {
        List<RawEntry> entries = List.of(
                entry("same", null, "first", null, null),
                entry(null, "https://a.example/x", "second", null, null),
                entry("same", null, "third", null, null),
                entry(null, "https://a.example/x", "fourth", null, null),
                entry(null, null, "fifth", null, "body"),
                entry(null, null, "fifth", null, "body"));
        List<NewArticle> out = normalizer.normalize(new ParsedFeed(FeedFormat.RSS_2_0, "F", null, entries), FEED_URL, FETCHED);
        assertThat(out).extracting(NewArticle::title).containsExactly("first", "second", "fifth");
    }

    @Test
    void categories_are_trimmed_deduplicated_and_bounded() {
        List<String> raw = new ArrayList<>(List.of("  News ", "news", "", "  ", "Tech\n  Stuff", "x".repeat(150)));
        IntStream.range(0, 40).forEach(i -> raw.add("c" + i));
        List<String> out = Normalizer.categories(raw);
        assertThat(out).hasSize(20);
        assertThat(out.subList(0, 3)).containsExactly("News", "Tech Stuff", "x".repeat(100));
        assertThat(out).allSatisfy(c -> assertThat(c.length()).isLessThanOrEqualTo(100));
    }

    @Test
    void categories_are_plain_text_like_titles() {
        List<String> out = Normalizer.categories(List.of("<img src=x onerror=alert(1)>World", "<b>Tech</b> &amp; Science",
                "<script>x</script>", "AT&amp;T"));

        assertThat(out).containsExactly("World", "Tech & Science", "AT&T");
        assertThat(out).noneMatch(c -> c.contains("<") || c.contains("onerror"));
    }

    @Test
    void authors_are_joined_plain_text_and_deduplicated() {
        RawEntry e = new RawEntry("1", null, List.of(), "t", null, null,
                List.of(" Ana  Lopez ", "Ben &amp; Co", "Ana Lopez", " "), List.of(), null, null);
        assertThat(one(e).author()).isEqualTo("Ana Lopez, Ben & Co");
        assertThat(one(entry("1", null, "t", null, null)).author()).isNull();
    }
}
