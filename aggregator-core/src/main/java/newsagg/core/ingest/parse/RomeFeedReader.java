package newsagg.core.ingest.parse;

import com.rometools.rome.feed.WireFeed;
import com.rometools.rome.feed.synd.SyndCategory;
import com.rometools.rome.feed.synd.SyndContent;
import com.rometools.rome.feed.synd.SyndEntry;
import com.rometools.rome.feed.synd.SyndFeed;
import com.rometools.rome.feed.synd.SyndFeedImpl;
import com.rometools.rome.feed.synd.SyndLink;
import com.rometools.rome.feed.synd.SyndPerson;
import com.rometools.rome.io.FeedException;
import com.rometools.rome.io.WireFeedInput;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import newsagg.core.ingest.parse.ParseLimits.ParseDeadline;
import newsagg.core.ingest.parse.ParsedFeed.FeedFormat;
import newsagg.core.ingest.parse.ParsedFeed.RawEntry;
import org.jdom2.Document;
import org.jdom2.Element;
import org.jdom2.Namespace;

/**
 * Reads RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 with Rome, from a JDOM tree that {@link BoundedDocumentBuilder} built
 * within the feed's budget (a StAX reader with DTDs and external entities off, refusing any DOCTYPE); the text it
 * receives has already had any DOCTYPE refused or removed by {@link XmlText}, so that is a second wall. The JDOM
 * tree is kept beside Rome's model to read what Rome drops: {@code xml:base}, the raw GUID and the raw date string.
 * An item's date elements are taken out of the tree before Rome reads it when {@link DateParser} knows the shape of the
 * item's date text: Rome's date is then never used, and Rome parses each date by trying {@code SimpleDateFormat} masks,
 * which was most of its share of a parse (docs/PERFORMANCE.md, seventh and tenth rounds).
 */
final class RomeFeedReader {
    private static final Namespace CONTENT = Namespace.getNamespace("http://purl.org/rss/1.0/modules/content/");
    private static final List<String> DATE_ELEMENTS =
            List.of("pubDate", "published", "issued", "date", "created", "updated", "modified");

    private RomeFeedReader() {
    }

    static ParsedFeed read(String xml, ParseLimits limits, ParseDeadline deadline) throws FeedParseException {
        BoundedDocumentBuilder.Result built =
                BoundedDocumentBuilder.build(new StringReader(xml), limits, deadline);
        Document doc = built.document();
        Element root = doc.getRootElement();
        if (root.getName().equalsIgnoreCase("html")) {
            throw new FeedParseException("not a feed: looks like an HTML page");
        }
        wrapChannellessRss(root);
        List<Element> itemElements = itemElements(root);
        List<String> dateTexts = new ArrayList<>(itemElements.size());
        List<Detached> detached = new ArrayList<>();
        for (Element item : itemElements) {
            String dateText = firstChildText(item, DATE_ELEMENTS);
            dateTexts.add(dateText);
            // The normalizer takes the library's date only for a text of a shape DateParser does not know.
            if (DateParser.recognised(dateText)) {
                detachDates(item, detached);
            }
        }
        WireFeed wire = build(doc, root);
        SyndFeed feed = new SyndFeedImpl(wire);
        if (itemElements.size() != feed.getEntries().size() && !detached.isEmpty()) {
            // Rome read other items than the tree's, so its dates may be the only ones an entry gets: read it whole.
            reattach(detached);
            wire = build(doc, root);
            feed = new SyndFeedImpl(wire);
        }
        deadline.check();
        List<SyndEntry> entries = feed.getEntries();
        boolean paired = itemElements.size() == entries.size();
        List<RawEntry> raw = new ArrayList<>(entries.size());
        boolean atom = root.getName().equals("feed");
        List<String> feedAuthors = atom ? TreeText.atomAuthors(root) : List.of();
        for (int i = 0; i < entries.size(); i++) {
            raw.add(paired ? toRaw(entries.get(i), itemElements.get(i), dateTexts.get(i), atom, feedAuthors)
                    : toRaw(entries.get(i), null, null, atom, feedAuthors));
        }
        return new ParsedFeed(format(wire.getFeedType()), feed.getTitle(), siteLink(root, atom, feed.getLink()), raw,
                built.dropped());
    }

    private static WireFeed build(Document doc, Element root) throws FeedParseException {
        try {
            return new WireFeedInput().build(doc);
        } catch (IllegalArgumentException e) {
            throw new FeedParseException("not a feed: unrecognised XML root element <" + root.getName() + ">");
        } catch (FeedException | RuntimeException | StackOverflowError e) {
            throw new FeedParseException("not a readable feed: the <" + root.getName()
                    + "> document does not have the structure its format requires");
        }
    }

    /** A child taken out of the tree, and where it was. */
    private record Detached(Element parent, int index, Element child) {
    }

    /** Takes the item's date elements out, the last first, so that putting them back in reverse restores the tree. */
    private static void detachDates(Element item, List<Detached> detached) {
        for (int i = item.getContentSize() - 1; i >= 0; i--) {
            if (item.getContent(i) instanceof Element child && DATE_ELEMENTS.contains(child.getName())) {
                item.removeContent(i);
                detached.add(new Detached(item, i, child));
            }
        }
    }

    private static void reattach(List<Detached> detached) {
        for (int i = detached.size() - 1; i >= 0; i--) {
            Detached d = detached.get(i);
            d.parent().addContent(d.index(), d.child());
        }
    }

    /**
     * The site the feed belongs to: Atom's {@code rel="alternate"} link (Rome may give {@code rel="self"}, the feed
     * itself), else an RSS channel's {@code <link>}, else its {@code atom:link} alternate.
     */
    private static String siteLink(Element root, boolean atom, String romeLink) {
        if (atom) {
            return TreeText.alternateLink(root);
        }
        Element channel = root.getChild("channel", root.getNamespace());
        if (romeLink == null && channel != null) {
            return TreeText.alternateLink(channel);
        }
        return romeLink;
    }

    /**
     * An RSS document whose items sit directly under {@code <rss>}, without the {@code <channel>} RSS requires, is
     * read as if its children were wrapped in one: feedparser and gofeed read such feeds too.
     */
    private static void wrapChannellessRss(Element root) {
        if (!root.getName().equals("rss") || root.getChild("channel", root.getNamespace()) != null) {
            return;
        }
        Element channel = new Element("channel", root.getNamespace());
        channel.addContent(root.removeContent());
        root.addContent(channel);
    }

    private static List<Element> itemElements(Element root) {
        String name = root.getName();
        if (name.equals("rss")) {
            for (Element child : root.getChildren()) {
                if (child.getName().equals("channel")) {
                    return childrenNamed(child, "item");
                }
            }
            return List.of();
        }
        return childrenNamed(root, name.equals("feed") ? "entry" : "item");
    }

    private static List<Element> childrenNamed(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        for (Element child : parent.getChildren()) {
            if (child.getName().equals(localName)) {
                out.add(child);
            }
        }
        return out;
    }

    /** The entry, with {@code el} its element in the tree (null when Rome's entries could not be paired with them). */
    private static RawEntry toRaw(SyndEntry e, Element el, String dateText, boolean atom, List<String> feedAuthors) {
        String id = el != null ? firstChildText(el, List.of("guid", "id")) : e.getUri();
        String link = e.getLink();
        if (link == null && el != null) {
            link = TreeText.alternateLink(el);
        }
        if (link == null && !e.getLinks().isEmpty()) {
            SyndLink first = e.getLinks().get(0);
            link = first.getHref();
        }
        List<String> bases = el != null ? xmlBases(el) : List.of();
        Date date = e.getPublishedDate() != null ? e.getPublishedDate() : e.getUpdatedDate();
        String title = e.getTitleEx() != null ? asHtml(e.getTitleEx()) : e.getTitle();
        String summary = e.getDescription() != null ? asHtml(e.getDescription()) : null;
        String content = null;
        for (SyndContent c : e.getContents()) {
            if (c.getValue() != null && !c.getValue().isBlank()) {
                content = asHtml(c);
                break;
            }
        }
        List<String> authors = authors(e);
        if (el != null && atom) {
            // RFC 4287 §3.1: a text construct without a type is text, and xhtml is markup; Rome reads neither so.
            title = orElse(TreeText.atomText(atomChild(el, "title")), title);
            summary = orElse(TreeText.atomText(atomChild(el, "summary")), summary);
            content = orElse(TreeText.atomText(atomChild(el, "content")), content);
            List<String> own = TreeText.atomAuthors(el);
            Element source = atomChild(el, "source");
            // RFC 4287 §4.2.1: an entry without an author has its source's, else the feed's.
            authors = !own.isEmpty() ? own : source != null && !TreeText.atomAuthors(source).isEmpty()
                    ? TreeText.atomAuthors(source) : feedAuthors;
        } else if (el != null) {
            Element titleEl = TreeText.child(el, "title", Namespace.NO_NAMESPACE, el.getNamespace());
            title = titleEl != null ? TreeText.rssText(titleEl) : orElse(dcText(el, "title"), title);
            Element authorEl = TreeText.child(el, "author", Namespace.NO_NAMESPACE, el.getNamespace());
            List<String> creators = TreeText.dcCreators(el);
            if (authorEl != null && !authorEl.getChildren().isEmpty()) {
                authors = List.of(TreeText.rssText(authorEl));
            } else if (authors.isEmpty() && !creators.isEmpty()) {
                authors = creators;
            }
        }
        String linkBase = null;
        String contentBase = null;
        if (el != null) {
            Element linkEl = atom ? TreeText.alternateLinkElement(el)
                    : TreeText.child(el, "link", Namespace.NO_NAMESPACE, el.getNamespace());
            Element contentEl = atom ? orElse(atomChild(el, "content"), atomChild(el, "summary"))
                    : orElse(el.getChild("encoded", CONTENT), TreeText.child(el, "description", Namespace.NO_NAMESPACE,
                    el.getNamespace()));
            linkBase = linkEl != null ? linkEl.getAttributeValue("base", Namespace.XML_NAMESPACE) : null;
            contentBase = contentEl != null ? contentEl.getAttributeValue("base", Namespace.XML_NAMESPACE) : null;
        }
        return new RawEntry(id, link, bases, title, summary, content, authors, categories(e), dateText,
                date != null ? date.toInstant() : null, linkBase, contentBase);
    }

    private static <T> T orElse(T value, T fallback) {
        return value != null ? value : fallback;
    }

    private static Element atomChild(Element entry, String name) {
        return TreeText.child(entry, name, entry.getNamespace(), TreeText.ATOM);
    }

    private static String dcText(Element el, String name) {
        Element dc = el.getChild(name, TreeText.DC);
        return dc == null ? null : TreeText.rssText(dc);
    }

    /** Plain-text constructs are escaped so that the normalizer can treat every string as HTML. */
    private static String asHtml(SyndContent c) {
        String type = c.getType() == null ? "" : c.getType().toLowerCase(Locale.ROOT);
        String v = c.getValue();
        if (v != null && (type.equals("text") || type.equals("text/plain"))) {
            return TreeText.escape(v);
        }
        return v;
    }

    private static List<String> authors(SyndEntry e) {
        List<String> out = new ArrayList<>();
        for (SyndPerson p : e.getAuthors()) {
            if (p.getName() != null && !p.getName().isBlank()) {
                out.add(p.getName());
            }
        }
        if (out.isEmpty() && e.getAuthor() != null && !e.getAuthor().isBlank()) {
            out.add(e.getAuthor());
        }
        return out;
    }

    private static List<String> categories(SyndEntry e) {
        List<String> out = new ArrayList<>();
        for (SyndCategory c : e.getCategories()) {
            if (c.getName() != null) {
                out.add(c.getName());
            }
        }
        return out;
    }

    private static List<String> xmlBases(Element el) {
        List<String> out = new ArrayList<>();
        for (Element cur = el; cur != null; cur = cur.getParentElement()) {
            String base = cur.getAttributeValue("base", Namespace.XML_NAMESPACE);
            if (base != null) {
                out.add(0, base);
            }
        }
        return out;
    }

    private static String firstChildText(Element el, List<String> localNames) {
        for (String name : localNames) {
            for (Element child : el.getChildren()) {
                if (child.getName().equals(name) && !child.getTextTrim().isEmpty()) {
                    return child.getTextTrim();
                }
            }
        }
        return null;
    }

    private static FeedFormat format(String feedType) {
        return switch (feedType) {
            case "rss_1.0" -> FeedFormat.RSS_1_0;
            case "rss_2.0" -> FeedFormat.RSS_2_0;
            case "atom_0.3" -> FeedFormat.ATOM_0_3;
            case "atom_1.0" -> FeedFormat.ATOM_1_0;
            default -> FeedFormat.RSS_0_9X;
        };
    }

}
