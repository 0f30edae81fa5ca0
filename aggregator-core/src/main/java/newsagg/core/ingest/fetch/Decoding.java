package newsagg.core.ingest.fetch;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import newsagg.core.ingest.fetch.FeedFetcher.FetchException;

/**
 * Undoes {@code Content-Encoding}: gzip (and x-gzip) and deflate, where deflate is detected as zlib-wrapped (what
 * RFC 9110 means) or raw (what some servers send). Codings listed together are undone last-first. The caller bounds
 * the decoded output; this class only decodes.
 */
final class Decoding {

    private Decoding() {
    }

    static InputStream decode(InputStream in, String contentEncoding) throws IOException {
        if (contentEncoding == null) {
            return in;
        }
        String[] codings = contentEncoding.split(",");
        InputStream decoded = in;
        for (int i = codings.length - 1; i >= 0; i--) {
            String coding = codings[i].strip().toLowerCase(Locale.ROOT);
            switch (coding) {
                case "", "identity" -> {
                }
                case "gzip", "x-gzip" -> decoded = gzip(decoded);
                case "deflate" -> decoded = deflate(decoded);
                default -> throw new FetchException("unsupported Content-Encoding \"" + codings[i].strip() + "\"");
            }
        }
        return decoded;
    }

    private static InputStream gzip(InputStream in) throws IOException {
        PushbackInputStream peek = new PushbackInputStream(in, 2);
        byte[] head = peek.readNBytes(2);
        peek.unread(head);
        // A server (or a proxy that already decoded it) may label plain bytes as gzip; pass them through as they are.
        boolean gzipMagic = head.length == 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b;
        return gzipMagic ? new GZIPInputStream(peek, 8192) : peek;
    }

    private static InputStream deflate(InputStream in) throws IOException {
        PushbackInputStream peek = new PushbackInputStream(in, 2);
        byte[] head = peek.readNBytes(2);
        peek.unread(head);
        Inflater inflater = new Inflater(!isZlibHeader(head));
        return new InflaterInputStream(peek, inflater, 8192) {
            @Override
            public void close() throws IOException {
                try {
                    super.close();
                } finally {
                    inflater.end();
                }
            }
        };
    }

    /** RFC 1950: compression method 8 in the low nibble of CMF, and CMF*256+FLG a multiple of 31. */
    private static boolean isZlibHeader(byte[] head) {
        if (head.length < 2) {
            return false;
        }
        int cmf = head[0] & 0xff;
        int flg = head[1] & 0xff;
        return (cmf & 0x0f) == 8 && (cmf >> 4) <= 7 && ((cmf << 8) | flg) % 31 == 0;
    }
}
