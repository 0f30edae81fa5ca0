package newsagg.seed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SeedCommandTest {

    @Test
    void parsesEveryOption() {
        SeedCommand.Options options = SeedCommand.parse(new String[] {
            "--articles", "1_000", "--sources", "12", "--seed", "-5", "--days", "3", "--now", "2025-01-31T12:00:00Z",
            "--parallelism", "3", "--replace"});

        assertThat(options.spec()).isEqualTo(new CorpusSpec(12, 1_000, -5, 3, Instant.parse("2025-01-31T12:00:00Z")));
        assertThat(options.replace()).isTrue();
        assertThat(options.parallelism()).isEqualTo(3);
    }

    @Test
    void usesTheSpecDefaultsWithoutOptions() {
        SeedCommand.Options options = SeedCommand.parse(new String[0]);

        assertThat(options.spec()).isEqualTo(CorpusSpec.defaults().withNow(options.spec().now()));
        assertThat(options.replace()).isFalse();
        assertThat(options.parallelism()).isEqualTo(Math.min(2, Runtime.getRuntime().availableProcessors()));
    }

    @Test
    void helpPrintsUsageAndSucceedsWithoutTouchingTheDatabase() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int code = SeedCommand.run(new String[] {"--help"}, null, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(SeedCommand.OK);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).startsWith("Usage: seed [--articles N]")
                .contains("--replace", "default 1,000,000");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--articles abc          | seed: --articles expects a whole number, got 'abc' (see seed --help)",
        "--articles -3           | seed: --articles: articles must be between 0 and 100000000, got -3 (see seed --help)",
        "--sources 0             | seed: --sources: sources must be between 1 and 100000, got 0 (see seed --help)",
        "--days 99999999999      | seed: --days is out of range: '99999999999' (see seed --help)",
        "--now yesterday         | seed: --now expects an instant like 2025-01-31T12:00:00Z, got 'yesterday' (see seed --help)",
        "--seed                  | seed: --seed needs a value (see seed --help)",
        "--parallelism 0         | seed: --parallelism must be between 1 and 64, got 0 (see seed --help)",
        "--parallelism           | seed: --parallelism needs a value (see seed --help)",
        "--force                 | seed: unknown option '--force' (see seed --help)"})
    void badArgumentsGiveOneLineNamingTheFlagAndExitCodeTwo(String args, String message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int code = SeedCommand.run(args.split(" "), null, new PrintStream(bytes, true, StandardCharsets.UTF_8));

        assertThat(code).isEqualTo(SeedCommand.USAGE);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(message + System.lineSeparator());
    }
}
