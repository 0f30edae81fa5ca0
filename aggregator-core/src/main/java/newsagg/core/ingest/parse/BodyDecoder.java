package newsagg.core.ingest.parse;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a body into text. The charset is chosen as a browser would for XML: a byte-order mark wins,
 * then the HTTP {@code charset=} parameter, then the XML declaration's {@code encoding}, then UTF-8.
 * Labels are mapped the WHATWG way where Java's own decoder is narrower than what servers mean
 * (ISO-8859-1 and US-ASCII mean windows-1252, GB2312 means GBK). Undecodable bytes become U+FFFD
 * rather than failing, because losing one character is better than losing the feed.
 */
final class BodyDecoder {
    private static final Pattern CHARSET_PARAM =
            Pattern.compile("(?i)(?:^|;)\\s*charset\\s*=\\s*[\"']?([^\"';\\s]+)[\"']?");
    private static final Pattern XML_DECL_ENCODING =
            Pattern.compile("^\\s*<\\?xml[^>]*?encoding\\s*=\\s*[\"']([A-Za-z0-9._:-]+)[\"']");

    private BodyDecoder() {
    }

    /** Decodes the body from its position to its limit; the buffer itself is not moved. */
    static String decode(ByteBuffer body, String contentType) {
        int start = body.position();
        int n = body.remaining();
        int b0 = n > 0 ? body.get(start) & 0xFF : -1;
        int b1 = n > 1 ? body.get(start + 1) & 0xFF : -1;
        if (n >= 3 && b0 == 0xEF && b1 == 0xBB && (body.get(start + 2) & 0xFF) == 0xBF) {
            return decode(body, 3, StandardCharsets.UTF_8);
        }
        if (n >= 2 && b0 == 0xFE && b1 == 0xFF) {
            return decode(body, 2, StandardCharsets.UTF_16BE);
        }
        if (n >= 2 && b0 == 0xFF && b1 == 0xFE) {
            return decode(body, 2, StandardCharsets.UTF_16LE);
        }
        Charset http = charsetFromContentType(contentType);
        if (http != null) {
            return decode(body, 0, http);
        }
        if (n >= 4 && b0 == 0 && b1 == '<' && body.get(start + 2) == 0 && body.get(start + 3) == '?') {
            return decode(body, 0, StandardCharsets.UTF_16BE);
        }
        if (n >= 4 && b0 == '<' && b1 == 0 && body.get(start + 2) == '?' && body.get(start + 3) == 0) {
            return decode(body, 0, StandardCharsets.UTF_16LE);
        }
        Charset declared = charsetFromXmlDeclaration(body);
        return decode(body, 0, declared != null ? declared : StandardCharsets.UTF_8);
    }

    static Charset charsetFromContentType(String contentType) {
        if (contentType == null) {
            return null;
        }
        Matcher m = CHARSET_PARAM.matcher(contentType);
        return m.find() ? lookup(m.group(1)) : null;
    }

    private static Charset charsetFromXmlDeclaration(ByteBuffer body) {
        // The declaration is ASCII in every ASCII-compatible encoding, so reading it as Latin-1 is exact.
        String head = StandardCharsets.ISO_8859_1.decode(body.slice(body.position(), Math.min(body.remaining(), 512)))
                .toString();
        Matcher m = XML_DECL_ENCODING.matcher(head);
        if (!m.find()) {
            return null;
        }
        Charset cs = lookup(m.group(1));
        // A declaration claiming UTF-16 on a body without a BOM or 16-bit layout is lying: the bytes are 8-bit.
        if (cs != null && cs.name().startsWith("UTF-16")) {
            return StandardCharsets.UTF_8;
        }
        return cs;
    }

    static Charset lookup(String label) {
        String l = label.trim().toLowerCase(Locale.ROOT);
        switch (l) {
            case "iso-8859-1", "iso8859-1", "latin1", "l1", "us-ascii", "ascii", "iso_8859-1" -> l = "windows-1252";
            case "gb2312", "gb_2312-80", "x-gbk", "euc-cn" -> l = "GBK";
            case "shift-jis", "sjis", "x-sjis", "shift_jis" -> l = "windows-31j";
            case "euc-kr", "ks_c_5601-1987" -> l = "x-windows-949";
            case "big5" -> l = "Big5-HKSCS";
            case "utf8" -> l = "UTF-8";
            default -> {
            }
        }
        try {
            return Charset.isSupported(l) ? Charset.forName(l) : null;
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            return null;
        }
    }

    private static String decode(ByteBuffer body, int skip, Charset cs) {
        try {
            return cs.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(body.slice(body.position() + skip, body.remaining() - skip))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("decoder with REPLACE actions cannot fail", e);
        }
    }
}
