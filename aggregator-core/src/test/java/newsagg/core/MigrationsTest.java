package newsagg.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class MigrationsTest {

    private static final Pattern CREATE_TABLE =
            Pattern.compile("CREATE\\s+TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?([A-Za-z_][A-Za-z0-9_]*)", Pattern.CASE_INSENSITIVE);

    @Test
    void everyTableAMigrationCreatesMovesOutOfTheOldLayout() throws IOException, URISyntaxException {
        URL folder = getClass().getClassLoader().getResource(CoreOptions.MIGRATIONS.substring("classpath:".length()));
        assertThat(folder).as("the migrations folder is on the classpath").isNotNull();
        Set<String> created = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".sql")).toList()) {
                Matcher matcher = CREATE_TABLE.matcher(Files.readString(file, StandardCharsets.UTF_8));
                while (matcher.find()) {
                    created.add(matcher.group(1).toLowerCase(Locale.ROOT));
                }
            }
        }

        assertThat(created).contains("sources", "articles");
        assertThat(Migrations.TABLES).containsAll(created);
    }
}
