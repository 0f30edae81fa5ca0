package newsagg.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

class CodecTest {

    private final ObjectMapper mapper = new ObjectMapper();

    record Item(String title, int rank) {
    }

    @Test
    void bytesCodecHandsBackTheSameArray() {
        byte[] body = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        assertThat(Codec.bytes().encode(body)).isSameAs(body);
        assertThat(Codec.bytes().decode(body)).isSameAs(body);
    }

    @Test
    void utf8CodecRoundTripsNonAsciiText() {
        assertThat(Codec.utf8().decode(Codec.utf8().encode("Zürich – 東京"))).isEqualTo("Zürich – 東京");
    }

    @Test
    void jsonCodecRoundTripsRecordsAndGenericLists() {
        Codec<Item> one = Codec.json(mapper, Item.class);
        Codec<List<Item>> many = Codec.json(mapper, new TypeReference<List<Item>>() { });
        List<Item> items = List.of(new Item("a", 1), new Item("b", 2));

        assertThat(one.decode(one.encode(new Item("x", 3)))).isEqualTo(new Item("x", 3));
        assertThat(many.decode(many.encode(items))).isEqualTo(items);
    }

    @Test
    void jsonCodecRejectsBytesItCannotRead() {
        Codec<Item> codec = Codec.json(mapper, Item.class);
        assertThatThrownBy(() -> codec.decode("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(UncheckedIOException.class);
    }
}
