package newsagg.core.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import newsagg.core.domain.Source;

/**
 * Reads and writes OPML subscription lists. {@link #parse} accepts OPML 1.0 and 2.0 through StAX with DTDs and
 * external entities disabled; a document with a DOCTYPE is refused outright, so no entity (external or expanding) is
 * ever resolved. Attribute names are matched case-insensitively ({@code xmlUrl}, {@code xmlurl}, ...), nested category
 * outlines are flattened, and at most {@value #MAX_OUTLINES} outlines are read; the caller bounds the input size.
 * {@link #export} writes OPML 2.0 with every attribute escaped and characters XML cannot carry dropped.
 */
public final class Opml {

    /** The most {@code <outline>} elements a document may have. */
    static final int MAX_OUTLINES = 5000;

    /** The longest title or category kept, in characters; longer ones are cut. */
    static final int MAX_TEXT_CHARS = 1000;

    private Opml() {
    }

    /** The classpath resource holding the default sources. */
    static final String DEFAULTS = "/newsagg/default-sources.opml";

    /**
     * The feeds a fresh installation starts with: a dozen well-known public news feeds bundled as {@value #DEFAULTS}.
     * {@link Subscriptions#importDefaultsIfEmpty} adds them only when there are no sources at all, so an operator who
     * deleted them does not get them back on the next start. Their URLs are checked for syntax only (they are
     * newsagg's own list); the fetcher still applies its network policy to every fetch.
     */
    static OpmlDocument defaults() {
        try (InputStream in = Opml.class.getResourceAsStream(DEFAULTS)) {
            if (in == null) {
                throw new IllegalStateException(DEFAULTS + " is missing from the classpath");
            }
            return parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + DEFAULTS, e);
        } catch (OpmlException e) {
            throw new IllegalStateException(DEFAULTS + " is broken: " + e.getMessage());
        }
    }

    /**
     * Parses an OPML document; the stream is read but not closed.
     *
     * @throws OpmlException when the input is not well-formed XML, not OPML, has a DOCTYPE or has too many outlines
     */
    public static OpmlDocument parse(InputStream in) throws OpmlException {
        Objects.requireNonNull(in, "in");
        XMLStreamReader r = null;
        try {
            r = factory().createXMLStreamReader(in);
            return read(r);
        } catch (XMLStreamException e) {
            throw new OpmlException("OPML is not well-formed XML" + where(e.getLocation()));
        } finally {
            close(r);
        }
    }

    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_REPLACING_ENTITY_REFERENCES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, true);
        return f;
    }

    private static OpmlDocument read(XMLStreamReader r) throws XMLStreamException, OpmlException {
        boolean sawRoot = false;
        boolean inHead = false;
        StringBuilder title = null;
        String headTitle = null;
        int outlines = 0;
        // One element per open outline: its name ("" when unnamed) when it is a category, empty when it is a feed.
        Deque<Optional<String>> open = new ArrayDeque<>();
        List<OpmlDocument.Feed> feeds = new ArrayList<>();
        while (r.hasNext()) {
            int event = r.next();
            switch (event) {
                case XMLStreamConstants.DTD ->
                        throw new OpmlException("OPML with a DOCTYPE is refused: DTDs and entities are not allowed");
                case XMLStreamConstants.ENTITY_REFERENCE ->
                        throw new OpmlException("OPML refers to an undeclared entity &" + r.getLocalName() + ";");
                case XMLStreamConstants.START_ELEMENT -> {
                    String name = r.getLocalName().toLowerCase(Locale.ROOT);
                    if (!sawRoot) {
                        if (!name.equals("opml")) {
                            throw new OpmlException("not an OPML document: the root element is <"
                                    + clip(r.getLocalName(), 40) + ">, not <opml>");
                        }
                        sawRoot = true;
                    } else if (name.equals("head")) {
                        inHead = true;
                    } else if (name.equals("title") && inHead && headTitle == null) {
                        title = new StringBuilder();
                    } else if (name.equals("outline")) {
                        if (++outlines > MAX_OUTLINES) {
                            throw new OpmlException("OPML has more than " + MAX_OUTLINES + " outlines");
                        }
                        open.push(outline(r, open, feeds));
                    }
                }
                case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA -> {
                    if (title != null && title.length() < MAX_TEXT_CHARS) {
                        title.append(r.getText());
                    }
                }
                case XMLStreamConstants.END_ELEMENT -> {
                    String name = r.getLocalName().toLowerCase(Locale.ROOT);
                    if (name.equals("outline") && !open.isEmpty()) {
                        open.pop();
                    } else if (name.equals("title") && title != null) {
                        headTitle = text(title.toString());
                        title = null;
                    } else if (name.equals("head")) {
                        inHead = false;
                    }
                }
                default -> {
                }
            }
        }
        if (!sawRoot) {
            throw new OpmlException("not an OPML document: no root element");
        }
        return new OpmlDocument(headTitle, feeds);
    }

    /** Reads one outline, adds it to {@code feeds} when it is a feed, and returns what to push for it. */
    private static Optional<String> outline(XMLStreamReader r, Deque<Optional<String>> open,
                                            List<OpmlDocument.Feed> feeds) {
        String xmlUrl = null;
        String title = null;
        String text = null;
        String htmlUrl = null;
        for (int i = 0; i < r.getAttributeCount(); i++) {
            String value = r.getAttributeValue(i);
            switch (r.getAttributeLocalName(i).toLowerCase(Locale.ROOT)) {
                case "xmlurl" -> xmlUrl = text(value);
                case "title" -> title = text(value);
                case "text" -> text = text(value);
                case "htmlurl" -> htmlUrl = text(value);
                default -> {
                }
            }
        }
        String name = title != null ? title : text;
        if (xmlUrl == null) {
            return Optional.of(name == null ? "" : name);
        }
        feeds.add(new OpmlDocument.Feed(xmlUrl, name, htmlUrl, category(open)));
        return Optional.empty();
    }

    private static String category(Deque<Optional<String>> open) {
        for (Optional<String> name : open) {
            if (name.isPresent()) {
                return name.get().isEmpty() ? null : name.get();
            }
        }
        return null;
    }

    /** Trimmed, whitespace collapsed, cut to {@value #MAX_TEXT_CHARS} characters; null when blank. */
    private static String text(String s) {
        if (s == null) {
            return null;
        }
        String t = s.replaceAll("\\s+", " ").strip();
        return t.isEmpty() ? null : clip(t, MAX_TEXT_CHARS);
    }

    private static String clip(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        return s.substring(0, Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max);
    }

    private static String where(Location location) {
        if (location == null || location.getLineNumber() < 0) {
            return "";
        }
        return " (line " + location.getLineNumber() + ", column " + location.getColumnNumber() + ")";
    }

    private static void close(XMLStreamReader r) {
        if (r != null) {
            try {
                r.close();
            } catch (XMLStreamException e) {
                // Nothing is left to release that matters: the caller owns the stream.
            }
        }
    }

    /**
     * Writes the sources as an OPML 2.0 document, one {@code <outline type="rss">} per source in the given order,
     * with {@code text} and {@code title} set to the source's title, {@code xmlUrl} to its feed URL and
     * {@code htmlUrl} to its site URL when known.
     */
    public static String export(List<Source> sources) {
        StringBuilder out = new StringBuilder(256 + 160 * sources.size());
        out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
                .append("<opml version=\"2.0\">\n")
                .append("  <head>\n")
                .append("    <title>newsagg subscriptions</title>\n")
                .append("  </head>\n")
                .append("  <body>\n");
        for (Source s : sources) {
            out.append("    <outline type=\"rss\"");
            attribute(out, "text", s.title());
            attribute(out, "title", s.title());
            attribute(out, "xmlUrl", s.feedUrl());
            if (s.siteUrl() != null) {
                attribute(out, "htmlUrl", s.siteUrl());
            }
            out.append("/>\n");
        }
        return out.append("  </body>\n").append("</opml>\n").toString();
    }

    private static void attribute(StringBuilder out, String name, String value) {
        out.append(' ').append(name).append("=\"");
        value.codePoints().forEach(c -> {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                // Escaped so that attribute-value normalization does not turn them into spaces on the way back.
                case '\t' -> out.append("&#9;");
                case '\n' -> out.append("&#10;");
                case '\r' -> out.append("&#13;");
                default -> {
                    if (allowedInXml(c)) {
                        out.appendCodePoint(c);
                    }
                }
            }
        });
        out.append('"');
    }

    private static boolean allowedInXml(int c) {
        return (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
    }

    /**
     * The feeds of an OPML subscription list, flattened: every {@code <outline>} that has an {@code xmlUrl}, in
     * document order, whatever category outlines it was nested in. URLs are as written; {@link OpmlImporter} validates
     * them.
     *
     * @param title the document's {@code <head><title>}, null when absent
     * @param feeds the feed outlines in document order
     */
    public record OpmlDocument(String title, List<Feed> feeds) {

        public OpmlDocument {
            feeds = List.copyOf(feeds);
        }

        /**
         * One feed outline.
         *
         * @param xmlUrl   the feed URL as written (trimmed), never blank
         * @param title    the outline's {@code title}, else its {@code text}; null when both are absent or blank
         * @param htmlUrl  the site URL as written, null when absent or blank
         * @param category the title (or text) of the nearest enclosing outline that is not a feed, null at top level
         */
        public record Feed(String xmlUrl, String title, String htmlUrl, String category) {
            public Feed {
                Objects.requireNonNull(xmlUrl, "xmlUrl");
            }
        }
    }

    /**
     * An OPML document that cannot be imported: not well-formed XML, not OPML, too large, or refused for safety (a
     * DOCTYPE). The message is one short sentence fit for an API client; it never carries a stack trace or the input.
     */
    public static final class OpmlException extends Exception {
        private static final long serialVersionUID = 1L;

        public OpmlException(String message) {
            super(message, null, false, false);
        }
    }
}
