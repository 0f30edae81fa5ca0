package newsagg.core.ingest.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class FetchSettingsTest {

    @Test
    void defaultsFollowMiniflux() {
        FetchSettings d = FetchSettings.defaults();

        assertThat(d.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(d.totalTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.maxBodyBytes()).isEqualTo(15L * 1024 * 1024);
        assertThat(d.maxRedirects()).isEqualTo(5);
        assertThat(d.allowPrivateNetworks()).isFalse();
    }

    @Test
    void defaultUserAgentNamesTheProjectVersionAndUrl() {
        assertThat(FetchSettings.defaultUserAgent())
                .isEqualTo("newsagg/" + FetchSettings.FALLBACK_VERSION + " (+https://github.com/newsagg/newsagg)");
    }

    @Test
    void invalidSettingsAreRejectedNamingTheSetting() {
        FetchSettings d = FetchSettings.defaults();

        assertThatIllegalArgumentException().isThrownBy(() -> d.withTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
                .withMessageStartingWith("connectTimeout must be positive");
        assertThatIllegalArgumentException().isThrownBy(() -> d.withTimeouts(Duration.ofSeconds(1),
                Duration.ofSeconds(-1))).withMessageStartingWith("totalTimeout must be positive");
        assertThatIllegalArgumentException().isThrownBy(() -> d.withMaxBodyBytes(0))
                .withMessageStartingWith("maxBodyBytes must be positive");
        assertThatIllegalArgumentException().isThrownBy(() -> new FetchSettings(Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, -1, false, "ua")).withMessageStartingWith("maxRedirects must be");
        assertThatIllegalArgumentException().isThrownBy(() -> new FetchSettings(Duration.ofSeconds(1),
                Duration.ofSeconds(1), 1, 5, false, "ua\r\nX-Evil: 1"))
                .withMessageStartingWith("userAgent must be");
    }

    @Test
    void fetchedRecordsCannotBeChangedThroughTheirBodyAndCompareByContent() {
        byte[] body = {1, 2, 3};
        FetchResult.Fetched f = new FetchResult.Fetched(URI.create("http://example.com/"), 200, null,
                ByteBuffer.wrap(body), null, null);
        f.body().get();
        assertThatExceptionOfType(ReadOnlyBufferException.class).isThrownBy(() -> f.body().put(1, (byte) 9));

        byte[] read = new byte[3];
        f.body().get(read);
        assertThat(read).containsExactly(1, 2, 3);
        assertThat(f).isEqualTo(new FetchResult.Fetched(URI.create("http://example.com/"), 200, null,
                ByteBuffer.wrap(new byte[] {1, 2, 3}), null, null));
        assertThat(f.toString()).contains("body=3 bytes");
    }
}
