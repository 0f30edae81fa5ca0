package newsagg.core.query;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.zip.CRC32;
import newsagg.core.query.NewsQueries.InvalidCursorException;

/**
 * Encodes the keyset position of a listing as an opaque cursor: base64url (no padding) of a version byte, a kind
 * byte ({@code n} for newest, {@code s} for search), two longs and a CRC-32 of the preceding bytes. The checksum
 * and the canonical-encoding check catch mangled cursors; they are not a signature, and need not be, because any
 * position a client forges only selects rows it could have paged to anyway.
 */
final class Cursors {

    /** A position in the newest-first listing: the last row's publication time (microseconds) and id. */
    record Newest(Instant publishedAt, long id) {
    }

    /** A position in search results: the last row's rank, exactly as float4 ranks compare, and id. */
    record Search(float rank, long id) {
    }

    private static final byte VERSION = 1;
    private static final byte NEWEST = 'n';
    private static final byte SEARCH = 's';
    private static final int LENGTH = 1 + 1 + Long.BYTES + Long.BYTES + Integer.BYTES;
    private static final int MAX_CHARS = 64;
    /**
     * PostgreSQL's earliest timestamp, 4713 BC, in microseconds since the epoch. The checksum is no secret, so a
     * client can forge any position, and an earlier one made the query fail with "timestamp out of range". The
     * latest a long can hold, in 294247 AD, is within PostgreSQL's range.
     */
    static final long EARLIEST_MICROS = -210_866_803_200L * 1_000_000L;

    private Cursors() {
    }

    static String newest(Instant publishedAt, long id) {
        long micros = Math.addExact(Math.multiplyExact(publishedAt.getEpochSecond(), 1_000_000L),
                publishedAt.getNano() / 1_000);
        return encode(NEWEST, micros, id);
    }

    static Newest decodeNewest(String cursor) {
        ByteBuffer payload = decode(cursor, NEWEST);
        long micros = payload.getLong();
        long id = payload.getLong();
        if (micros < EARLIEST_MICROS) {
            throw new InvalidCursorException("invalid cursor: position out of range");
        }
        return new Newest(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                Math.floorMod(micros, 1_000_000L) * 1_000L), id);
    }

    static String search(float rank, long id) {
        return encode(SEARCH, Float.floatToIntBits(rank), id);
    }

    static Search decodeSearch(String cursor) {
        ByteBuffer payload = decode(cursor, SEARCH);
        long bits = payload.getLong();
        long id = payload.getLong();
        if (bits != (int) bits) {
            throw new InvalidCursorException("invalid cursor: not a search position");
        }
        float rank = Float.intBitsToFloat((int) bits);
        if (!Float.isFinite(rank)) {
            throw new InvalidCursorException("invalid cursor: not a search position");
        }
        return new Search(rank, id);
    }

    private static String encode(byte kind, long value, long id) {
        ByteBuffer buffer = ByteBuffer.allocate(LENGTH);
        buffer.put(VERSION).put(kind).putLong(value).putLong(id);
        buffer.putInt(crc(buffer.array(), LENGTH - Integer.BYTES));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer.array());
    }

    private static ByteBuffer decode(String cursor, byte expectedKind) {
        if (cursor == null || cursor.isEmpty() || cursor.length() > MAX_CHARS) {
            throw new InvalidCursorException("invalid cursor: empty or too long");
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            throw new InvalidCursorException("invalid cursor: not base64url");
        }
        // Base64 leaves unused bits in the last character; requiring the canonical form rejects edits to them too.
        if (bytes.length != LENGTH || !Base64.getUrlEncoder().withoutPadding().encodeToString(bytes).equals(cursor)) {
            throw new InvalidCursorException("invalid cursor: malformed");
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (buffer.get() != VERSION) {
            throw new InvalidCursorException("invalid cursor: unknown version");
        }
        if (buffer.getInt(LENGTH - Integer.BYTES) != crc(bytes, LENGTH - Integer.BYTES)) {
            throw new InvalidCursorException("invalid cursor: checksum mismatch");
        }
        byte kind = buffer.get();
        if (kind != expectedKind) {
            throw new InvalidCursorException("invalid cursor: it belongs to another listing");
        }
        return buffer;
    }

    private static int crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return (int) crc.getValue();
    }
}
