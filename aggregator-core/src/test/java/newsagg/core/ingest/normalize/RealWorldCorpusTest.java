package newsagg.core.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import newsagg.core.domain.NewArticle;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class RealWorldCorpusTest {
    private static final Instant FETCHED = Instant.parse("2030-01-01T00:00:00Z");
    private final FeedPipeline pipeline = new FeedPipeline();

    /**
     * Where the stored article count rightly differs from the manifest's raw element count. The
     * illegally nested feed has 10 real items, each containing an empty {@code <item />}: the manifest
     * counts 20 elements, but the empty ones are not articles (and not children of the channel).
     */
    private static final Map<String, Integer> EXPECTED_COUNT = Map.of("illegally-nested.xml", 10);

    static URI feedUrl(String file) {
        return URI.create("https://feeds.example.test/real-world/" + file);
    }

    List<NewArticle> ingest(String file) throws FeedParseException {
        RealWorldFeeds.Entry e = RealWorldFeeds.get(file);
        return pipeline.parseAndNormalize(e.body(), null, feedUrl(file), FETCHED);
    }

    @TestFactory
    Stream<DynamicTest> every_well_formed_feed_yields_its_items_and_first_title() {
        return RealWorldFeeds.manifest().stream().filter(RealWorldFeeds.Entry::wellFormedFeed)
                .map(e -> DynamicTest.dynamicTest(e.file(), () -> {
                    List<NewArticle> articles = pipeline.parseAndNormalize(e.body(), null, feedUrl(e.file()), FETCHED);
                    assertThat(articles).hasSize(EXPECTED_COUNT.getOrDefault(e.file(), e.items()));
                    if (!e.firstTitle().isEmpty()) {
                        assertThat(articles.get(0).title()).startsWith(e.firstTitle().strip());
                    }
                    assertThat(articles).allSatisfy(a -> {
                        assertThat(a.summary().length()).isLessThanOrEqualTo(500);
                        assertThat(a.publishedAt()).isBeforeOrEqualTo(FETCHED);
                        if (a.url() != null) {
                            assertThat(a.url()).matches("https?://[^\\s]+");
                        }
                    });
                }));
    }

    @Test
    void html_page_is_reported_as_not_a_feed() {
        // Read the file first, so that a missing corpus skips the test instead of failing inside the assertion.
        RealWorldFeeds.Entry page = RealWorldFeeds.get("notafeed.html");
        assertThatThrownBy(() -> pipeline.parseAndNormalize(page.body(), null, feedUrl("notafeed.html"), FETCHED))
                .isInstanceOf(FeedParseException.class)
                .hasMessage("not a feed: looks like an HTML page");
    }

    @Test
    void unescaped_ampersand_is_recovered_leniently_keeping_every_item() throws Exception {
        // Rome's XML healer escapes a bare '&' that does not start an entity, so the feed loses nothing.
        List<NewArticle> articles = ingest("saxerror.xml");
        assertThat(articles).extracting(NewArticle::title).containsExactly("Good Item", "Bad Item", "Item After Error");
        assertThat(articles.get(1).url()).isEqualTo("http://example.com/bad?foo=1&bar=2");
    }

    @Test
    void cyrillic_in_windows_1251_decodes_from_the_xml_declaration() throws Exception {
        List<NewArticle> articles = ingest("iconv.xml");
        assertThat(articles.get(0).title()).isEqualTo("В Бузулуке главные стройплощадки – детсад и Ледовый дворец");
        assertThat(articles).extracting(NewArticle::summary).anyMatch(s -> s.matches(".*[а-яА-Я]{4,}.*"));
    }

    @Test
    void gzipped_copy_of_the_cyrillic_feed_gives_the_same_articles() throws Exception {
        assertThat(ingest("compressed.xml")).isEqualTo(ingest("iconv.xml"));
    }

    @Test
    void feed_with_invalid_xml_characters_is_parsed_leniently() throws Exception {
        List<NewArticle> articles = ingest("invalid-characters-gzipped.xml");
        assertThat(articles).hasSize(25);
        assertThat(articles.get(0).title()).isEqualTo("NSOperation");
    }

    @Test
    void duplicate_guid_elements_give_one_article_keyed_by_the_guid() throws Exception {
        List<NewArticle> articles = ingest("guid-dupes.xml");
        assertThat(articles).hasSize(1);
        assertThat(articles.get(0).guid()).isEqualTo("http://www.braingle.com/50366.html");
        assertThat(articles.get(0).dedupeKey()).startsWith("g:");
    }

    @Test
    void relative_item_links_resolve_against_the_relative_channel_link_and_feed_url() throws Exception {
        for (String file : List.of("rss-with-relative-urls.xml", "rss-with-relative-urls-with-absolute-xmlurl.xml")) {
            List<NewArticle> articles = ingest(file);
            assertThat(articles.get(0).url()).isEqualTo("https://feeds.example.test/en/games/neverwinter/news/detail/"
                    + "10743874-neverwinter-%26-jingle-jam-humble-bundle%21");
        }
    }

    @Test
    void item_scoped_xml_base_applies_to_its_item_only() throws Exception {
        List<NewArticle> articles = ingest("rss-with-item-scoped-html-base.xml");
        assertThat(articles.get(0).url()).isEqualTo("https://example.com/first/first");
        assertThat(articles.get(0).contentHtml()).contains("href=\"https://example.com/first/post\"");
        assertThat(articles.get(1).url()).isEqualTo("https://example.com/second");
        assertThat(articles.get(1).contentHtml()).contains("href=\"https://example.com/post\"");
    }

    @Test
    void nested_xml_base_resolves_links_and_content_urls() throws Exception {
        NewArticle a = ingest("rss-with-relative-html-urls.xml").get(0);
        assertThat(a.url()).isEqualTo("https://example.com/posts/posts/post-1");
        assertThat(a.contentHtml())
                .contains("href=\"https://example.com/posts/post-1\"")
                .contains("href=\"https://example.com/posts/post-1#comments\"")
                .contains("src=\"https://example.com/images/post-1.png\"")
                .contains("rel=\"nofollow noopener noreferrer\"");
    }

    @Test
    void without_xml_base_content_urls_resolve_against_the_channel_link() throws Exception {
        NewArticle a = ingest("rss-with-relative-html-urls-no-base.xml").get(0);
        assertThat(a.url()).isEqualTo("https://example.com/feed/posts/post-1");
        assertThat(a.contentHtml()).contains("href=\"https://example.com/feed/post-1\"")
                .contains("src=\"https://example.com/images/post-1.png\"");
    }

    @Test
    void empty_and_fragment_xml_base_fall_back_to_the_alternate_link() throws Exception {
        String expected = "http://talkingpointsmemo.com/livewire/hannity-announces-fox-hired-sebastian-gorka-national-security-strategist";
        for (String file : List.of("tpm.atom", "tpm-with-empty-base.atom", "tpm-with-fragment-base.atom")) {
            assertThat(ingest(file).get(0).url()).as(file).isEqualTo(expected);
        }
    }

    @Test
    void atom_dates_with_offsets_become_instants() throws Exception {
        assertThat(ingest("tpm.atom").get(0).publishedAt()).isEqualTo(Instant.parse("2017-11-08T23:15:58Z"));
    }
}
