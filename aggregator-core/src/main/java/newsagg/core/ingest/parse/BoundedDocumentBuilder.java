package newsagg.core.ingest.parse;

import java.io.Reader;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.stream.Location;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import newsagg.core.domain.DroppedItems;
import newsagg.core.ingest.parse.FeedParser.FeedParseException;
import newsagg.core.ingest.parse.ParseLimits.ParseDeadline;
import org.jdom2.Attribute;
import org.jdom2.Document;
import org.jdom2.Element;
import org.jdom2.IllegalAddException;
import org.jdom2.Namespace;
import org.jdom2.Text;

/**
 * Builds the JDOM tree of a feed from a StAX stream, within a {@link ParseLimits} budget, so that no feed costs more
 * memory or time than the budget whatever its size or shape. JDOM's own SAX builder cannot do this: it reads the whole
 * document before anyone can look at it, and its cost grows with the square of the nesting depth.
 *
 * <ul>
 *   <li>Nesting deeper than {@link ParseLimits#maxDepth()} is refused at the first element too deep, so a
 *       million-level document costs the same as a 129-level one.</li>
 *   <li>Items ({@code item} or {@code entry} under the root or the RSS channel) past {@link ParseLimits#maxItems()}
 *       are not built: the rest of the document is only scanned to count them as dropped.</li>
 *   <li>A field (any other child of an item or of the channel) keeps at most {@link ParseLimits#maxFieldChars()} of
 *       text and markup; what is beyond is cut, whole elements only.</li>
 *   <li>The whole tree keeps at most {@link ParseLimits#maxDocumentChars()}; the item that crosses it and the items
 *       after it are dropped, and the items before it kept.</li>
 *   <li>The deadline is checked every {@value #CHECK_EVERY} events.</li>
 * </ul>
 *
 * The StAX reader is the JDK's, with DTDs and external entities off; a DOCTYPE that reaches it (one the pre-parser did
 * not see) is refused. Not thread-safe; one per document.
 */
final class BoundedDocumentBuilder {
    private static final int CHECK_EVERY = 1024;
    private static final XMLInputFactory FACTORY = factory();

    private enum Role { CONTAINER, ITEM, FIELD, INSIDE }

    /** The built tree and the items that were counted but not built. */
    record Result(Document document, DroppedItems dropped) {
    }

    private final ParseLimits limits;
    private final ParseDeadline deadline;
    private final List<Element> stack = new ArrayList<>();
    private final List<Role> roles = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();
    private Document document;
    private int skipping;
    /** The depth the StAX reader is at, whether or not the elements around it were built. */
    private int readerDepth;
    private int items;
    private int itemDepth;
    private long fieldRemaining;
    private long documentRemaining;
    private DroppedItems.Reason stoppedFor;
    private int stoppedItems;

    private BoundedDocumentBuilder(ParseLimits limits, ParseDeadline deadline) {
        this.limits = limits;
        this.deadline = deadline;
        this.documentRemaining = limits.maxDocumentChars();
    }

    /**
     * Reads {@code reader} into a tree.
     *
     * @throws FeedParseException when the XML is malformed, nests too deep, declares a DOCTYPE, has no root, or the
     *                            deadline passes
     */
    static Result build(Reader reader, ParseLimits limits, ParseDeadline deadline) throws FeedParseException {
        return new BoundedDocumentBuilder(limits, deadline).read(reader);
    }

    private Result read(Reader reader) throws FeedParseException {
        XMLStreamReader r;
        try {
            r = FACTORY.createXMLStreamReader(reader);
        } catch (XMLStreamException e) {
            throw malformed(e);
        }
        try {
            int events = 0;
            while (stoppedFor == null && r.hasNext()) {
                int event = r.next();
                if (++events % CHECK_EVERY == 0) {
                    deadline.check();
                }
                switch (event) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        readerDepth++;
                        start(r);
                    }
                    case XMLStreamConstants.END_ELEMENT -> {
                        readerDepth--;
                        end();
                    }
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE -> text(r);
                    case XMLStreamConstants.DTD -> throw new FeedParseException(
                            "refused: DOCTYPE is disallowed (entity declarations are not processed for safety)");
                    default -> {
                    }
                }
            }
            if (document == null) {
                throw new FeedParseException("malformed XML: the document has no root element");
            }
            DroppedItems dropped = DroppedItems.NONE;
            if (stoppedFor != null) {
                flushText();
                dropped = DroppedItems.of(stoppedFor, stoppedItems + countRemainingItems(r));
            }
            return new Result(document, dropped);
        } catch (XMLStreamException e) {
            throw malformed(e);
        } catch (IllegalArgumentException e) {
            // JDOM's checks of names and characters (IllegalNameException, IllegalDataException, IllegalAddException).
            throw new FeedParseException("malformed XML: a name or character JDOM cannot hold");
        } finally {
            try {
                r.close();
            } catch (XMLStreamException e) {
                // Nothing is held that closing the underlying reader would not free.
            }
        }
    }

    private void start(XMLStreamReader r) throws FeedParseException {
        int depth = readerDepth;
        if (depth > limits.maxDepth()) {
            throw new FeedParseException("refused: the XML nests deeper than " + limits.maxDepth() + " levels");
        }
        if (skipping > 0) {
            skipping++;
            return;
        }
        flushText();
        String name = r.getLocalName();
        Role role = role(name);
        if (role == Role.ITEM) {
            if (items == limits.maxItems()) {
                stoppedFor = DroppedItems.Reason.ITEM_LIMIT;
                stoppedItems = 1;
                return;
            }
            items++;
            itemDepth = depth;
        } else if (role == Role.FIELD) {
            fieldRemaining = limits.maxFieldChars();
        }
        long cost = ParseLimits.ELEMENT_COST;
        for (int i = 0; i < r.getAttributeCount(); i++) {
            cost += r.getAttributeValue(i).length();
        }
        if (role == Role.FIELD || role == Role.INSIDE) {
            if (cost > fieldRemaining) {
                skipping = 1;
                return;
            }
            fieldRemaining -= cost;
        }
        if (!spend(cost)) {
            return;
        }
        Element element = new Element(name, namespace(r.getPrefix(), r.getNamespaceURI()));
        for (int i = 0; i < r.getNamespaceCount(); i++) {
            Namespace declared = namespace(r.getNamespacePrefix(i), r.getNamespaceURI(i));
            if (declared != Namespace.NO_NAMESPACE && !declared.equals(element.getNamespace())) {
                try {
                    element.addNamespaceDeclaration(declared);
                } catch (IllegalAddException e) {
                    // A prefix bound twice on one element: the element's own binding wins, as it does in XML.
                }
            }
        }
        for (int i = 0; i < r.getAttributeCount(); i++) {
            Namespace ns = "xml".equals(r.getAttributePrefix(i)) ? Namespace.XML_NAMESPACE
                    : namespace(r.getAttributePrefix(i), r.getAttributeNamespace(i));
            try {
                element.setAttribute(new Attribute(r.getAttributeLocalName(i), r.getAttributeValue(i), ns));
            } catch (IllegalArgumentException e) {
                // An attribute JDOM cannot represent (a prefix clash) carries nothing a feed reader needs.
            }
        }
        if (stack.isEmpty()) {
            document = new Document(element);
        } else {
            stack.get(stack.size() - 1).addContent(element);
        }
        stack.add(element);
        roles.add(role);
    }

    private void end() {
        if (skipping > 0) {
            skipping--;
            return;
        }
        flushText();
        stack.remove(stack.size() - 1);
        roles.remove(roles.size() - 1);
    }

    private void text(XMLStreamReader r) {
        if (skipping > 0 || stack.isEmpty()) {
            return;
        }
        Role role = roles.get(roles.size() - 1);
        if (role == Role.CONTAINER || role == Role.ITEM) {
            // Only whitespace (or stray text no format reads) sits between the fields of a channel or an item.
            return;
        }
        int keep = (int) Math.min(r.getTextLength(), fieldRemaining);
        if (keep <= 0) {
            return;
        }
        fieldRemaining -= keep;
        if (spend(keep)) {
            text.append(r.getTextCharacters(), r.getTextStart(), keep);
        }
    }

    /** Charges the document budget; when it runs out, drops the item being built and stops. */
    private boolean spend(long cost) {
        documentRemaining -= cost;
        if (documentRemaining >= 0) {
            return true;
        }
        stoppedFor = DroppedItems.Reason.SIZE_LIMIT;
        int item = roles.indexOf(Role.ITEM);
        if (item >= 0) {
            stack.get(item).detach();
            items--;
            stoppedItems = 1;
            while (stack.size() > item) {
                stack.remove(stack.size() - 1);
                roles.remove(roles.size() - 1);
            }
        }
        text.setLength(0);
        return false;
    }

    private Role role(String name) {
        if (stack.isEmpty()) {
            return Role.CONTAINER;
        }
        Role parent = roles.get(roles.size() - 1);
        return switch (parent) {
            case CONTAINER -> {
                if (name.equals("item") || name.equals("entry")) {
                    yield Role.ITEM;
                }
                yield stack.size() == 1 && name.equals("channel") ? Role.CONTAINER : Role.FIELD;
            }
            case ITEM -> Role.FIELD;
            case FIELD, INSIDE -> Role.INSIDE;
        };
    }

    private void flushText() {
        if (text.length() > 0 && !stack.isEmpty()) {
            stack.get(stack.size() - 1).addContent(new Text(text.toString()));
        }
        text.setLength(0);
    }

    /**
     * Scans the rest of the document without building it, counting the items at the depth items were found at. The
     * scan stops quietly at malformed XML, excessive depth or the deadline: the count is then a lower bound.
     */
    private int countRemainingItems(XMLStreamReader r) {
        int depth = readerDepth;
        int counted = 0;
        int events = 0;
        try {
            while (r.hasNext()) {
                int event = r.next();
                if (++events % CHECK_EVERY == 0) {
                    deadline.check();
                }
                if (event == XMLStreamConstants.START_ELEMENT) {
                    depth++;
                    if (depth > limits.maxDepth()) {
                        break;
                    }
                    String name = r.getLocalName();
                    if (depth == itemDepth && (name.equals("item") || name.equals("entry"))) {
                        counted++;
                    }
                } else if (event == XMLStreamConstants.END_ELEMENT) {
                    depth--;
                }
            }
        } catch (XMLStreamException | FeedParseException e) {
            return counted;
        }
        return counted;
    }

    private static Namespace namespace(String prefix, String uri) {
        if (uri == null || uri.isEmpty()) {
            return Namespace.NO_NAMESPACE;
        }
        return Namespace.getNamespace(prefix == null ? "" : prefix, uri);
    }

    private static FeedParseException malformed(XMLStreamException e) {
        Location at = e.getLocation();
        String where = at != null && at.getLineNumber() > 0 ? " at line " + at.getLineNumber() : "";
        return new FeedParseException("malformed XML" + where + ": " + XmlErrors.plain(e.getMessage()));
    }

    private static XMLInputFactory factory() {
        XMLInputFactory f = XMLInputFactory.newDefaultFactory();
        f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        f.setProperty(XMLInputFactory.IS_COALESCING, false);
        f.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        f.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        return f;
    }
}
