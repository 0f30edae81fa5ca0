package newsagg.http;

import java.util.Map;
import java.util.Objects;

/**
 * One environment variable the server reads, declared once: its name, its default as the README states it, the
 * rule that turns the raw value (or its absence) into a checked value, and the help text of the README's table.
 * {@link Settings} holds every declaration; {@code Config}, the start-up error and the README table come from it.
 *
 * @param name        the environment variable
 * @param defaultText the default, in the README's Markdown (ConfigReadmeTest checks that its first code span is the default)
 * @param rule        reads the raw value, null when unset, and throws a {@link ConfigException} naming the variable
 * @param help        what the variable means, in the README's Markdown
 * @param <T>         the checked value's type
 */
record Setting<T>(String name, String defaultText, Rule<T> rule, String help) {

    /** Turns the raw value of the variable {@code name} (null when it is unset) into a checked value. */
    @FunctionalInterface
    interface Rule<T> {
        T read(String name, String raw);
    }

    Setting {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(defaultText, "defaultText");
        Objects.requireNonNull(rule, "rule");
        Objects.requireNonNull(help, "help");
    }

    T read(Map<String, String> env) {
        return rule.read(name, env.get(name));
    }

    /** This setting's row of the README's configuration table. */
    String tableRow() {
        return "| `" + name + "` | " + defaultText + " | " + help + " |";
    }
}
