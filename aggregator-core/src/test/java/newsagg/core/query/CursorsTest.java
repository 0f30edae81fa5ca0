package newsagg.core.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Base64;

import newsagg.core.query.NewsQueries.InvalidCursorException;
import org.junit.jupiter.api.Test;

class CursorsTest {

    @Test
    void newestCursorRoundTripsMicrosecondsAndId() {
        Instant at = Instant.parse("2024-05-06T07:08:09.123456Z");
        Cursors.Newest decoded = Cursors.decodeNewest(Cursors.newest(at, 42L));
        assertThat(decoded).isEqualTo(new Cursors.Newest(at, 42L));
    }

    @Test
    void newestCursorRoundTripsInstantsBeforeTheEpoch() {
        Instant at = Instant.parse("1969-12-31T23:59:59.999999Z");
        assertThat(Cursors.decodeNewest(Cursors.newest(at, 1L)).publishedAt()).isEqualTo(at);
    }

    @Test
    void searchCursorRoundTripsTheExactFloatBits() {
        float rank = Math.nextUp(0.1f);
        Cursors.Search decoded = Cursors.decodeSearch(Cursors.search(rank, 7L));
        assertThat(Float.floatToIntBits(decoded.rank())).isEqualTo(Float.floatToIntBits(rank));
        assertThat(decoded.id()).isEqualTo(7L);
    }

    @Test
    void cursorIsUrlSafeWithoutPadding() {
        String cursor = Cursors.newest(Instant.now(), Long.MAX_VALUE);
        assertThat(cursor).matches("[A-Za-z0-9_-]+");
    }

    @Test
    void garbageIsRejected() {
        assertThatThrownBy(() -> Cursors.decodeNewest("not a cursor!"))
                .isInstanceOf(InvalidCursorException.class).hasMessageContaining("base64url");
        assertThatThrownBy(() -> Cursors.decodeNewest("abcd"))
                .isInstanceOf(InvalidCursorException.class).hasMessageContaining("malformed");
        assertThatThrownBy(() -> Cursors.decodeNewest(""))
                .isInstanceOf(InvalidCursorException.class);
        assertThatThrownBy(() -> Cursors.decodeNewest("A".repeat(10_000)))
                .isInstanceOf(InvalidCursorException.class).hasMessageContaining("too long");
    }

    @Test
    void tamperedPayloadFailsTheChecksum() {
        String cursor = Cursors.newest(Instant.parse("2024-01-01T00:00:00Z"), 1000L);
        byte[] bytes = Base64.getUrlDecoder().decode(cursor);
        bytes[12] ^= 0x01;
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        assertThatThrownBy(() -> Cursors.decodeNewest(tampered))
                .isInstanceOf(InvalidCursorException.class).hasMessageContaining("checksum");
    }

    @Test
    void nonCanonicalTrailingBitsAreRejected() {
        String cursor = Cursors.newest(Instant.parse("2024-01-01T00:00:00Z"), 1000L);
        char last = cursor.charAt(cursor.length() - 1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        // The last character of 22 bytes carries 2 data bits and 4 unused ones; flip an unused one.
        char edited = alphabet.charAt(alphabet.indexOf(last) ^ 0x01);
        String tampered = cursor.substring(0, cursor.length() - 1) + edited;
        assertThatThrownBy(() -> Cursors.decodeNewest(tampered)).isInstanceOf(InvalidCursorException.class);
    }

    @Test
    void cursorOfOneKindIsRejectedByTheOther() {
        assertThatThrownBy(() -> Cursors.decodeSearch(Cursors.newest(Instant.now(), 1L)))
                .isInstanceOf(InvalidCursorException.class).hasMessageContaining("another listing");
        assertThatThrownBy(() -> Cursors.decodeNewest(Cursors.search(0.5f, 1L)))
                .isInstanceOf(InvalidCursorException.class).hasMessageContaining("another listing");
    }

    @Test
    void snippetEscapesTextAndKeepsOnlyTheHighlightMarkup() {
        String headline = "x < y & \"z\" \u0001vote\u0002 <script>";
        assertThat(JdbiNewsQueries.snippet(headline))
                .isEqualTo("x &lt; y &amp; &quot;z&quot; <mark>vote</mark> &lt;script&gt;");
    }
}
