package newsagg.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The declarations in {@link Settings} are what Config reads and what the README's configuration table says. */
class ConfigReadmeTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Pattern LEADING_CODE_SPAN = Pattern.compile("^`([^`]+)`");

    @Test
    void theReadmeConfigurationTableIsTheDeclaredSettingsInOrder() throws IOException {
        List<String> expected = new ArrayList<>(List.of("| variable | default | meaning |", "|---|---|---|"));
        Settings.ALL.forEach(setting -> expected.add(setting.tableRow()));

        assertThat(configurationTable(Files.readAllLines(README)))
                .as("the table under '## Configuration' in %s, rendered from Settings.ALL", README)
                .containsExactlyElementsOf(expected);
    }

    @Test
    void configReadsExactlyTheDeclaredVariablesInTheTablesOrder() {
        Set<String> asked = new LinkedHashSet<>();
        Map<String, String> env = new HashMap<>() {
            @Override
            public String get(Object key) {
                asked.add((String) key);
                return super.get(key);
            }

            @Override
            public String getOrDefault(Object key, String defaultValue) {
                asked.add((String) key);
                return super.getOrDefault(key, defaultValue);
            }
        };

        Config.fromEnvironment(env);

        assertThat(asked).containsExactlyElementsOf(Settings.ALL.stream().map(Setting::name).toList());
    }

    @Test
    void everyDeclarationIsListedOnceInAll() throws IllegalAccessException {
        List<Setting<?>> declared = new ArrayList<>();
        for (Field field : Settings.class.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == Setting.class) {
                declared.add((Setting<?>) field.get(null));
            }
        }

        assertThat(Settings.ALL).containsExactlyInAnyOrderElementsOf(declared);
        assertThat(Settings.ALL.stream().map(Setting::name)).doesNotHaveDuplicates();
        assertThat(Settings.ALL).allSatisfy(setting -> assertThat(setting.name()).matches("[A-Z][A-Z0-9_]*"));
    }

    static Stream<String> settings() {
        return Settings.ALL.stream().map(Setting::name);
    }

    private static Setting<?> declared(String name) {
        return Settings.ALL.stream().filter(setting -> setting.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * A default the README states as a value ({@code `8080`}) is the one an unset variable gives; any other says the
     * variable is unset by default.
     */
    @ParameterizedTest
    @MethodSource("settings")
    void theStatedDefaultIsWhatAnUnsetVariableGives(String name) {
        Setting<?> setting = declared(name);
        Matcher value = LEADING_CODE_SPAN.matcher(setting.defaultText());
        if (value.find()) {
            assertThat(Config.fromEnvironment(Map.of(setting.name(), value.group(1))))
                    .as("%s=%s", setting.name(), value.group(1))
                    .isEqualTo(Config.fromEnvironment(Map.of()));
        } else {
            assertThat(setting.defaultText()).matches("(unset|none)\\b.*");
            assertThat(setting.read(Map.of())).as(setting.name()).isIn(null, List.of());
        }
    }

    @ParameterizedTest
    @MethodSource("settings")
    void theStartUpLineNamesEverySetting(String name) {
        assertThat(Config.fromEnvironment(Map.of()).describe())
                .containsPattern("(^| )" + name.toLowerCase(Locale.ROOT) + "=");
    }

    /** The first Markdown table after the {@code ## Configuration} heading, row by row. */
    private static List<String> configurationTable(List<String> readme) {
        int heading = readme.indexOf("## Configuration");
        assertThat(heading).as("a '## Configuration' heading in %s", README).isNotNegative();
        List<String> table = new ArrayList<>();
        for (String line : readme.subList(heading + 1, readme.size())) {
            if (line.startsWith("|")) {
                table.add(line);
            } else if (!table.isEmpty() || line.startsWith("#")) {
                break;
            }
        }
        return table;
    }
}
