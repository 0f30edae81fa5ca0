package newsagg.seed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import newsagg.core.NewsCore;
import newsagg.core.testing.PostgresExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SeedCommandIT {

    @RegisterExtension
    static final PostgresExtension PG = new PostgresExtension();

    @BeforeAll
    static void migrate() {
        NewsCore.migrate(PG.dataSource());
    }

    @BeforeEach
    void emptyTables() throws SQLException {
        execute("TRUNCATE articles, sources RESTART IDENTITY CASCADE");
    }

    @Test
    void seedsThenRefusesASecondSeedUnlessReplacing() throws SQLException {
        String[] args = {"--articles", "300", "--sources", "4", "--days", "2", "--now", "2025-03-01T12:00:00Z"};

        ByteArrayOutputStream first = new ByteArrayOutputStream();
        assertThat(SeedCommand.run(args, PG.dataSource(), print(first))).isEqualTo(SeedCommand.OK);
        assertThat(text(first)).contains("seed: loaded 4 sources and 300 articles");
        assertThat(count()).isEqualTo(300);

        ByteArrayOutputStream second = new ByteArrayOutputStream();
        assertThat(SeedCommand.run(args, PG.dataSource(), print(second))).isEqualTo(SeedCommand.LOAD_FAILED);
        assertThat(text(second)).isEqualTo("seed: refusing to load the corpus: the database already has 300 articles "
                + "and 4 sources; load with replace to delete them first (--replace)" + System.lineSeparator());

        String[] replacing = {"--articles", "200", "--sources", "4", "--replace"};
        assertThat(SeedCommand.run(replacing, PG.dataSource(), print(new ByteArrayOutputStream()))).isEqualTo(SeedCommand.OK);
        assertThat(count()).isEqualTo(200);
    }

    @Test
    void seedFirstRestoresAndNamesWhatAnInterruptedLoadLeftDropped() throws SQLException {
        int recorded = CorpusLoaderIT.simulateKilledLoad(PG.dataSource());
        String[] args = {"--articles", "100", "--sources", "3", "--now", "2025-03-01T12:00:00Z", "--replace"};

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(SeedCommand.run(args, PG.dataSource(), print(out))).isEqualTo(SeedCommand.OK);

        assertThat(text(out)).startsWith("seed: restored " + recorded + " indexes and constraints that an interrupted "
                + "load had dropped:" + System.lineSeparator() + "  ALTER TABLE articles ADD CONSTRAINT articles_pkey")
                .contains("  CREATE INDEX articles_search_vector_idx ON newsagg.articles USING gin (search_vector)")
                .contains("seed: loaded 3 sources and 100 articles");
        assertThat(count()).isEqualTo(100);
        assertThat(queryLong("SELECT count(*) FROM pg_indexes WHERE tablename = 'articles'")).isEqualTo(6);
        assertThat(queryLong("SELECT count(*) FROM seed_pending_ddl")).isZero();
    }

    private static long queryLong(String sql) throws SQLException {
        return CorpusLoaderIT.queryLong(PG.dataSource(), sql);
    }

    private static void execute(String sql) throws SQLException {
        try (Connection connection = PG.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    private static long count() throws SQLException {
        try (Connection connection = PG.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM articles")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static PrintStream print(ByteArrayOutputStream bytes) {
        return new PrintStream(bytes, true, StandardCharsets.UTF_8);
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
