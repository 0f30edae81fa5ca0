package newsagg.core.ingest.parse;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.jdom2.Attribute;
import org.jdom2.Content;
import org.jdom2.Element;
import org.jdom2.Namespace;
import org.jdom2.Text;

/**
 * Reads what Rome's model loses from the JDOM tree: Atom text constructs as RFC 4287 §3.1 defines them (and Atom 0.3's
 * {@code mode}), markup written as elements inside an RSS title or author, Dublin Core titles and creators, Atom
 * persons of the feed, and {@code atom:link} alternates. Every string it returns is HTML, so that the normalizer can
 * treat all fields alike.
 */
final class TreeText {
    static final Namespace ATOM = Namespace.getNamespace("http://www.w3.org/2005/Atom");
    static final Namespace DC = Namespace.getNamespace("http://purl.org/dc/elements/1.1/");
    private static final String XHTML = "http://www.w3.org/1999/xhtml";

    private TreeText() {
    }

    /**
     * An Atom text construct as HTML: {@code type} absent or {@code text} is text (escaped); {@code html} (or a
     * {@code text/html} type, or Atom 0.3's {@code mode="escaped"}) is HTML; {@code xhtml} and any content written as
     * elements are serialized, without the wrapping XHTML {@code div}; base64 content (Atom 0.3's
     * {@code mode="base64"}, or an Atom 1.0 MIME type that is neither text nor XML) is decoded as UTF-8 and read by its
     * type; other binary content is null.
     */
    static String atomText(Element el) {
        if (el == null) {
            return null;
        }
        String type = lower(el.getAttributeValue("type"));
        String mode = lower(el.getAttributeValue("mode"));
        boolean mime = type.contains("/");
        boolean xmlType = type.equals("xhtml") || type.endsWith("+xml") || type.endsWith("/xml");
        boolean htmlType = type.equals("html") || type.equals("text/html") || mode.equals("escaped");
        boolean base64 = mode.equals("base64") || (mime && !type.startsWith("text/") && !xmlType);
        if (base64) {
            String decoded = decodeBase64(el.getText());
            if (decoded == null || !(type.isEmpty() || type.startsWith("text/"))) {
                return null;
            }
            return type.equals("text/html") ? decoded : escape(decoded);
        }
        if (!el.getChildren().isEmpty()) {
            List<Content> content = el.getContent();
            List<Element> children = el.getChildren();
            if (children.size() == 1 && children.get(0).getName().equals("div")
                    && XHTML.equals(children.get(0).getNamespaceURI()) && onlyWhitespaceBeside(el)) {
                content = children.get(0).getContent();
            }
            return markup(content);
        }
        return htmlType || xmlType ? el.getText() : escape(el.getText());
    }

    /**
     * An RSS field that may hold markup: elements inside it (invalid, but written) are serialized so that none of its
     * text is lost; plain text is returned as written (RSS text is HTML, as feedparser and gofeed read it).
     */
    static String rssText(Element el) {
        if (el == null) {
            return null;
        }
        return el.getChildren().isEmpty() ? el.getText() : markup(el.getContent());
    }

    /** The first child named {@code name} in any of the namespaces, or null. */
    static Element child(Element parent, String name, Namespace... namespaces) {
        for (Element c : parent.getChildren()) {
            if (c.getName().equals(name)) {
                for (Namespace ns : namespaces) {
                    if (ns.getURI().equals(c.getNamespaceURI())) {
                        return c;
                    }
                }
            }
        }
        return null;
    }

    /** The names of the Atom {@code author} persons directly under {@code parent}, in either Atom namespace. */
    static List<String> atomAuthors(Element parent) {
        List<String> out = new ArrayList<>();
        for (Element c : parent.getChildren()) {
            if (c.getName().equals("author")) {
                Element name = childNamed(c, "name");
                String n = name != null ? rssText(name) : null;
                if (n != null && !n.isBlank()) {
                    out.add(n);
                }
            }
        }
        return out;
    }

    /** The {@code dc:creator} values directly under {@code parent}. */
    static List<String> dcCreators(Element parent) {
        List<String> out = new ArrayList<>();
        for (Element c : parent.getChildren("creator", DC)) {
            String n = rssText(c);
            if (n != null && !n.isBlank()) {
                out.add(n);
            }
        }
        return out;
    }

    /**
     * The href of the alternate link among {@code parent}'s link children (Atom's own, or {@code atom:link} in RSS):
     * {@code rel="alternate"} or no rel, an HTML type preferred; never {@code self}. Null when there is none.
     */
    static String alternateLink(Element parent) {
        Element link = alternateLinkElement(parent);
        return link == null ? null : link.getAttributeValue("href");
    }

    /** The element {@link #alternateLink} reads the href of. */
    static Element alternateLinkElement(Element parent) {
        Element any = null;
        for (Element c : parent.getChildren()) {
            if (!c.getName().equals("link") || c.getAttributeValue("href") == null) {
                continue;
            }
            String rel = lower(c.getAttributeValue("rel"));
            if (!rel.isEmpty() && !rel.equals("alternate") && !rel.equals("http://www.iana.org/assignments/relation/alternate")) {
                continue;
            }
            String type = lower(c.getAttributeValue("type"));
            if (type.isEmpty() || type.contains("html")) {
                return c;
            }
            if (any == null) {
                any = c;
            }
        }
        return any;
    }

    private static Element childNamed(Element parent, String name) {
        for (Element c : parent.getChildren()) {
            if (c.getName().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static boolean onlyWhitespaceBeside(Element el) {
        for (Content c : el.getContent()) {
            if (c instanceof Text t && !t.getText().isBlank()) {
                return false;
            }
        }
        return true;
    }

    /** Serializes content as HTML: elements by local name (prefixes and namespace declarations dropped), text escaped. */
    static String markup(List<Content> content) {
        StringBuilder out = new StringBuilder();
        for (Content c : content) {
            write(c, out);
        }
        return out.toString();
    }

    private static void write(Content c, StringBuilder out) {
        if (c instanceof Text t) {
            out.append(escape(t.getText()));
        } else if (c instanceof Element e) {
            out.append('<').append(e.getName());
            for (Attribute a : e.getAttributes()) {
                out.append(' ').append(a.getName()).append("=\"").append(escape(a.getValue()).replace("\"", "&quot;"))
                        .append('"');
            }
            out.append('>');
            for (Content child : e.getContent()) {
                write(child, out);
            }
            out.append("</").append(e.getName()).append('>');
        }
    }

    private static String decodeBase64(String text) {
        try {
            byte[] bytes = Base64.getMimeDecoder().decode(text.strip());
            return XmlText.stripInvalidChars(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String lower(String s) {
        return s == null ? "" : s.trim().toLowerCase(Locale.ROOT);
    }
}
