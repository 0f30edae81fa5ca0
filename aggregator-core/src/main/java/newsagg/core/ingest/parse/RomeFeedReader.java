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
import com.rometools.rome.io.SAXBuilder;
import com.rometools.rome.io.WireFeedInput;
import com.rometools.rome.io.impl.XmlFixerReader;
import java.io.IOException;
import java.io.StringReader;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import org.jdom2.Document;
import org.jdom2.Element;
import org.jdom2.JDOMException;
import org.jdom2.Namespace;
import org.jdom2.input.JDOMParseException;

/**
 * Reads RSS 0.9x/1.0/2.0 and Atom 0.3/1.0 with Rome. Rome's own SAX builder is used because, with
 * doctypes disallowed (Rome's default), it sets {@code disallow-doctype-decl}, turns off external
 * general and parameter entities and external DTD loading, and does not expand entities; the text it
 * receives has already had any DOCTYPE refused or removed by {@link XmlText}, so this is a second wall.
 * The JDOM tree is kept beside Rome's model to read what Rome drops: {@code xml:base}, the raw GUID and
 * the raw date string.
 */
final class RomeFeedReader {
    private static final int MAX_MESSAGE_CHARS = 160;
    private static final List<String> DATE_ELEMENTS =
            List.of("pubDate", "published", "issued", "date", "created", "updated", "modified");

    private RomeFeedReader() {
    }

    static ParsedFeed read(String xml) throws FeedParseException {
        SafeInput input = new SafeInput();
        Document doc = buildDocument(input, xml);
        Element root = doc.getRootElement();
        if (root.getName().equalsIgnoreCase("html")) {
            throw new FeedParseException("not a feed: looks like an HTML page");
        }
        WireFeed wire;
        try {
            wire = input.build(doc);
        } catch (IllegalArgumentException e) {
            throw new FeedParseException("not a feed: unrecognised XML root element <" + root.getName() + ">");
        } catch (FeedException | RuntimeException e) {
            throw new FeedParseException("not a readable feed: " + shortMessage(e));
        }
        SyndFeed feed = new SyndFeedImpl(wire);
        List<Element> itemElements = itemElements(root);
        List<SyndEntry> entries = feed.getEntries();
        boolean paired = itemElements.size() == entries.size();
        List<RawEntry> raw = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            raw.add(toRaw(entries.get(i), paired ? itemElements.get(i) : null));
        }
        return new ParsedFeed(format(wire.getFeedType()), feed.getTitle(), feed.getLink(), raw);
    }

    private static Document buildDocument(SafeInput input, String xml) throws FeedParseException {
        try {
            return input.saxBuilder().build(new XmlFixerReader(new StringReader(xml)));
        } catch (JDOMParseException e) {
            String detail = e.getCause() != null ? e.getCause().getMessage() : e.getMessage();
            String where = e.getLineNumber() > 0 ? " at line " + e.getLineNumber() : "";
            throw new FeedParseException("malformed XML" + where + ": " + clip(detail));
        } catch (JDOMException | IOException | RuntimeException | StackOverflowError e) {
            throw new FeedParseException("malformed XML: " + shortMessage(e));
        }
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

    private static RawEntry toRaw(SyndEntry e, Element el) {
        String id = el != null ? firstChildText(el, List.of("guid", "id")) : e.getUri();
        String link = e.getLink();
        if (link == null && !e.getLinks().isEmpty()) {
            SyndLink first = e.getLinks().get(0);
            link = first.getHref();
        }
        List<String> bases = el != null ? xmlBases(el) : List.of();
        String dateText = el != null ? firstChildText(el, DATE_ELEMENTS) : null;
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
        return new RawEntry(id, link, bases, title, summary, content, authors(e), categories(e), dateText,
                date != null ? date.toInstant() : null);
    }

    /** Plain-text constructs are escaped so that the normalizer can treat every string as HTML. */
    private static String asHtml(SyndContent c) {
        String type = c.getType() == null ? "" : c.getType().toLowerCase(Locale.ROOT);
        String v = c.getValue();
        if (v != null && (type.equals("text") || type.equals("text/plain"))) {
            return v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
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

    private static String shortMessage(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : clip(e.getMessage());
    }

    private static String clip(String s) {
        if (s == null) {
            return "unknown error";
        }
        String one = s.replaceAll("\\s+", " ").trim();
        return one.length() <= MAX_MESSAGE_CHARS ? one : one.substring(0, MAX_MESSAGE_CHARS) + "…";
    }

    /** Exposes Rome's hardened SAX builder, which {@link WireFeedInput} keeps protected. */
    private static final class SafeInput extends WireFeedInput {
        SafeInput() {
            setAllowDoctypes(false);
        }

        SAXBuilder saxBuilder() {
            return createSAXBuilder();
        }
    }
}
