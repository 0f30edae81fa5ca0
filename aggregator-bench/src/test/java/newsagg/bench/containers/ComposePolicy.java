package newsagg.bench.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.networknt.schema.format.PatternFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import newsagg.bench.containers.DockerfileText.Instruction;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * compose.yml: validated against the compose-spec JSON schema (test resource {@code compose-spec/}, with the
 * compose-spec repository's licence and notice), then against this project's policy. {@link #check} returns the
 * violations; none means the file passes.
 */
final class ComposePolicy {

  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\$|\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\\}|\\$([A-Za-z_][A-Za-z0-9_]*)");
  private static final Pattern ENV_LINE = Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.*?)\\s*$");
  private static final Pattern SECRET_KEY =
      Pattern.compile("PASSWORD|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|CREDENTIAL", Pattern.CASE_INSENSITIVE);
  private static final Pattern ONLY_A_VARIABLE =
      Pattern.compile("^\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\\}$");
  private static final Pattern PASSWORD_IN_URL = Pattern.compile("://[^/@\\s$]+:[^/@\\s$]+@");
  private static final Pattern DIGEST = Pattern.compile(".*@sha256:[0-9a-f]{64}$");
  private static final Pattern TAG = Pattern.compile(":([^/:@]+)$");
  private static final Pattern HOST_IP = Pattern.compile("^(\\[[^\\]]+\\]|\\d+\\.\\d+\\.\\d+\\.\\d+):");
  private static final String DATA_DIR = "/var/lib/postgresql/data";
  private static final List<String> REQUIRED_SERVICES = List.of("api", "postgres", "redis");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonSchema SCHEMA = loadSchema();

  private ComposePolicy() {}

  /** Compose's variable substitution: ${A}, $A, ${A:-default}, ${A-default}, ${A:?error}, ${A?error}, $$. */
  static String interpolate(String value, Map<String, String> env, List<String> errors) {
    Matcher match = VARIABLE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (match.find()) {
      match.appendReplacement(out, Matcher.quoteReplacement(substitute(match, env, errors)));
    }
    match.appendTail(out);
    return out.toString();
  }

  private static String substitute(Matcher match, Map<String, String> env, List<String> errors) {
    if (match.group().equals("$$")) {
      return "$";
    }
    String key = match.group(1) != null ? match.group(1) : match.group(4);
    String op = match.group(2);
    String arg = match.group(3);
    boolean set = env.containsKey(key);
    String text = env.get(key);
    if (op == null) {
      return set ? text : "";
    }
    return switch (op) {
      case ":-" -> set && !text.isEmpty() ? text : arg;
      case "-" -> set ? text : arg;
      default -> {
        if (!set || (op.equals(":?") && text.isEmpty())) {
          errors.add(key + ": " + arg);
          yield "";
        }
        yield text;
      }
    };
  }

  /** The names of the variables a string refers to. */
  static List<String> variablesIn(String value) {
    List<String> names = new ArrayList<>();
    Matcher match = VARIABLE.matcher(value);
    while (match.find()) {
      if (!match.group().equals("$$")) {
        names.add(match.group(1) != null ? match.group(1) : match.group(4));
      }
    }
    return names;
  }

  /** Reads KEY=VALUE lines, as compose reads .env. */
  static Map<String, String> parseEnvFile(String text) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : text.split("\\r?\\n")) {
      Matcher match = ENV_LINE.matcher(line);
      if (match.matches() && !line.trim().startsWith("#")) {
        env.put(match.group(1), match.group(2).replaceAll("^([\"'])(.*)\\1$", "$2"));
      }
    }
    return env;
  }

  /**
   * The violations of a compose file. envExample is the parsed .env.example; dockerfileText, when not null, is
   * checked for the same API healthcheck.
   */
  static List<Violation> check(String text, Map<String, String> envExample, String dockerfileText) {
    List<Violation> violations = new ArrayList<>();
    JsonNode raw;
    try {
      Object loaded = new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
      raw = JSON.valueToTree(loaded);
    } catch (RuntimeException e) {
      violations.add(Violation.of("yaml", e.getMessage().split("\n")[0]));
      return violations;
    }
    if (raw == null || !raw.isObject() || !raw.has("services")) {
      violations.add(Violation.of("schema", "no services"));
      return violations;
    }
    if (raw.has("name")) {
      violations.add(Violation.of("no-top-level-name",
          "top-level \"name:\" is rejected by Debian's docker-compose 1.29"));
    }
    Set<String> used = new LinkedHashSet<>();
    collectStrings(raw, s -> used.addAll(variablesIn(s)));
    for (String variable : used) {
      if (!envExample.containsKey(variable)) {
        violations.add(Violation.of("env-example", variable + " is used in compose.yml but missing from .env.example"));
      }
    }
    List<String> errors = new ArrayList<>();
    JsonNode resolved = mapStrings(raw, s -> interpolate(s, envExample, errors));
    errors.forEach(e -> violations.add(Violation.of("env-example", "with .env.example, required variable " + e)));
    JsonNode withDefaults = mapStrings(raw, s -> interpolate(s, Map.of(), new ArrayList<>()));

    for (ValidationMessage error : SCHEMA.validate(resolved)) {
      violations.add(Violation.of("schema", error.getMessage()));
    }

    JsonNode services = raw.get("services");
    for (String name : REQUIRED_SERVICES) {
      if (!services.has(name)) {
        violations.add(Violation.of("services", "service \"" + name + "\" is missing"));
      }
    }
    JsonNode api = services.path("api");
    JsonNode build = api.path("build");
    if (!build.isObject() || !build.path("dockerfile").asText("").equals("docker/Dockerfile")) {
      violations.add(Violation.of("api-build", "api must be built from docker/Dockerfile"));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      checkService(entry.getKey(), entry.getValue(), resolved.path("services").path(entry.getKey()),
          withDefaults.path("services").path(entry.getKey()), violations);
    }
    checkPostgresVolume(services.path("postgres"), raw.path("volumes"), violations);
    checkRedis(services.path("redis"), violations);
    JsonNode resolvedApi = resolved.path("services").path("api");
    if (!resolvedApi.isMissingNode() && !"true".equals(environmentOf(resolvedApi).get("DEFAULT_SOURCES"))) {
      violations.add(Violation.of("default-sources", "api: DEFAULT_SOURCES must be true, so that a first start has feeds"));
    }
    boolean seed = false;
    for (JsonNode service : services) {
      if (contains(service.path("profiles"), "seed")) {
        seed = service.path("command").isArray() && service.path("command").path(0).asText("").equals("seed");
        break;
      }
    }
    if (!seed) {
      violations.add(Violation.of("seed-profile", "a service in the \"seed\" profile must run the seed command"));
    }
    if (dockerfileText != null && services.has("api")) {
      // As Compose runs it: interpolated, so $$ is a literal $ and ${X} what the .env says.
      checkSameHealthcheck(resolvedApi, dockerfileText, violations);
    }
    return violations;
  }

  private static void checkService(String name, JsonNode service, JsonNode resolved, JsonNode withDefaults,
      List<Violation> violations) {
    boolean oneOff = service.path("profiles").isArray() && service.path("profiles").size() > 0;
    if (!service.has("build")) {
      String image = resolved.path("image").asText("");
      Matcher tag = TAG.matcher(image);
      String version = tag.find() ? tag.group(1) : "";
      if (!DIGEST.matcher(image).matches() && (!version.matches(".*\\d.*") || version.toLowerCase().contains("latest"))) {
        violations.add(Violation.of("pinned-image", name + ": image \"" + image + "\" is not pinned to a version"));
      }
    }
    if (!oneOff) {
      JsonNode hc = service.path("healthcheck");
      if (!hc.isObject() || hc.path("disable").asBoolean(false) || !hc.has("test") || hc.get("test").isNull()
          || (hc.get("test").isArray() && hc.get("test").path(0).asText("").equals("NONE"))) {
        violations.add(Violation.of("healthcheck", name + ": no healthcheck"));
      }
      String restart = service.path("restart").isValueNode() ? service.path("restart").asText() : "";
      if (List.of("always", "unless-stopped", "on-failure").stream().noneMatch(restart::startsWith)) {
        violations.add(Violation.of("restart", name + ": no restart policy (unless-stopped, always or on-failure)"));
      }
    }
    JsonNode memory = service.has("mem_limit") ? service.get("mem_limit")
        : service.path("deploy").path("resources").path("limits").path("memory");
    if (memory.isMissingNode() || memory.isNull() || memory.asText().isEmpty()) {
      violations.add(Violation.of("memory-limit", name + ": no memory limit (mem_limit)"));
    }
    JsonNode deps = service.path("depends_on");
    if (deps.isArray()) {
      deps.forEach(d -> violations.add(Violation.of("depends-on-healthy",
          name + ": depends_on " + d.asText() + " must wait for condition: service_healthy")));
    } else if (deps.isObject()) {
      deps.fields().forEachRemaining(d -> {
        String condition = d.getValue().path("condition").asText("");
        if (!condition.equals("service_healthy") && !condition.equals("service_completed_successfully")) {
          violations.add(Violation.of("depends-on-healthy",
              name + ": depends_on " + d.getKey() + " must wait for condition: service_healthy"));
        }
      });
    }
    environmentOf(service).forEach((key, value) -> {
      if (value == null) {
        return;
      }
      Matcher variable = ONLY_A_VARIABLE.matcher(value);
      boolean onlyVariable = variable.matches();
      if (SECRET_KEY.matcher(key).find() && (!onlyVariable
          || ((":-".equals(variable.group(2)) || "-".equals(variable.group(2))) && !variable.group(3).isEmpty()))) {
        violations.add(Violation.of("no-secret-literals",
            name + ": " + key + " must come from a variable (${" + key + "}) with no literal default"));
      }
      if (PASSWORD_IN_URL.matcher(value).find()) {
        violations.add(Violation.of("no-secret-literals", name + ": " + key + " has a password inside a URL"));
      }
    });
    JsonNode ports = withDefaults.path("ports");
    if (ports.isArray() && ports.size() > 0 && !name.equals("api")) {
      violations.add(Violation.of("ports", name + ": only the API is published"));
    }
    for (JsonNode port : ports) {
      String hostIp;
      if (port.isObject()) {
        hostIp = port.path("host_ip").asText(null);
      } else {
        Matcher ip = HOST_IP.matcher(port.asText());
        hostIp = ip.find() ? ip.group(1) : null;
      }
      if (!"127.0.0.1".equals(hostIp)) {
        violations.add(Violation.of("ports", name + ": port " + port + " must be published on 127.0.0.1 by default"));
      }
    }
  }

  private static void checkPostgresVolume(JsonNode postgres, JsonNode volumes, List<Violation> violations) {
    boolean named = false;
    for (JsonNode mount : postgres.path("volumes")) {
      String source;
      String target;
      if (mount.isTextual()) {
        String[] parts = mount.asText().split(":");
        source = parts[0];
        target = parts.length > 1 ? parts[1] : null;
      } else {
        source = mount.path("source").asText(null);
        target = mount.path("target").asText(null);
      }
      named |= DATA_DIR.equals(target) && source != null && volumes.has(source) && !source.startsWith(".")
          && !source.startsWith("/");
    }
    if (!named) {
      violations.add(Violation.of("postgres-volume",
          "postgres: " + DATA_DIR + " must be a named volume declared under top-level volumes"));
    }
  }

  private static void checkRedis(JsonNode redis, List<Violation> violations) {
    List<String> command = new ArrayList<>();
    JsonNode node = redis.path("command");
    if (node.isArray()) {
      node.forEach(arg -> command.add(arg.asText()));
    } else {
      command.addAll(List.of((node.isValueNode() ? node.asText() : "").split("\\s+")));
    }
    boolean saveOff = false;
    boolean aofOff = false;
    for (int i = 0; i + 1 < command.size(); i++) {
      saveOff |= command.get(i).equals("--save") && (command.get(i + 1).isEmpty() || command.get(i + 1).equals("\"\""));
      aofOff |= command.get(i).equals("--appendonly") && command.get(i + 1).equals("no");
    }
    if (!saveOff || !aofOff || redis.path("volumes").size() > 0) {
      violations.add(Violation.of("redis-cache", "redis is a cache: --save \"\" --appendonly no, and no volume"));
    }
    // The cache's generation counters have no TTL; only a volatile-* policy never evicts them (docs/CACHE.md).
    int policy = command.indexOf("--maxmemory-policy");
    String policyValue = policy >= 0 && policy + 1 < command.size() ? command.get(policy + 1) : "";
    if (!command.contains("--maxmemory") || !policyValue.startsWith("volatile-")) {
      violations.add(Violation.of("redis-eviction",
          "redis needs --maxmemory and a volatile-* --maxmemory-policy, which keeps keys without a TTL"));
    }
  }

  private static void checkSameHealthcheck(JsonNode api, String dockerfileText, List<Violation> violations) {
    Instruction healthcheck = null;
    for (Instruction instruction : DockerfileText.parse(dockerfileText).instructions()) {
      if (instruction.keyword().equals("HEALTHCHECK")) {
        healthcheck = instruction;
      }
    }
    Matcher cmd = healthcheck == null ? null : Pattern.compile("\\bCMD\\s+(\\[.*\\])\\s*$").matcher(healthcheck.args());
    List<String> imageTest = cmd != null && cmd.find() ? DockerfileText.execForm(cmd.group(1)).orElse(null) : null;
    JsonNode composeTest = api.path("healthcheck").path("test");
    ArrayNode expected = JsonNodeFactory.instance.arrayNode().add("CMD");
    if (imageTest != null) {
      imageTest.forEach(expected::add);
    }
    if (imageTest == null || !composeTest.isArray() || !composeTest.equals(expected)) {
      violations.add(Violation.of("api-healthcheck",
          "api: the healthcheck test must be the Dockerfile HEALTHCHECK command (CMD, ...)"));
    }
  }

  private static Map<String, String> environmentOf(JsonNode service) {
    Map<String, String> env = new LinkedHashMap<>();
    JsonNode node = service.path("environment");
    if (node.isArray()) {
      for (JsonNode item : node) {
        String text = item.asText();
        int eq = text.indexOf('=');
        env.put(eq < 0 ? text : text.substring(0, eq), eq < 0 ? null : text.substring(eq + 1));
      }
    } else {
      node.fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
    }
    return env;
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode item : array) {
      if (item.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static JsonNode mapStrings(JsonNode node, UnaryOperator<String> fn) {
    if (node.isTextual()) {
      return JsonNodeFactory.instance.textNode(fn.apply(node.asText()));
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(item -> out.add(mapStrings(item, fn)));
      return out;
    }
    if (node.isObject()) {
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      node.fields().forEachRemaining(e -> out.set(e.getKey(), mapStrings(e.getValue(), fn)));
      return out;
    }
    return node;
  }

  private static void collectStrings(JsonNode node, java.util.function.Consumer<String> sink) {
    mapStrings(node, s -> {
      sink.accept(s);
      return s;
    });
  }

  private static JsonSchema loadSchema() {
    try (InputStream in = ComposePolicy.class.getResourceAsStream("/compose-spec/compose-spec.json")) {
      JsonNode schema = JSON.readTree(in);
      // The schema predates the 2019-09 rules it names: its nodes carry draft-04 "id"s.
      ((ObjectNode) schema).remove("$schema");
      stripIds(schema);
      // The schema's definitions/constraints/service holds a node named like a keyword; it validates nothing.
      JsonMetaSchema meta = JsonMetaSchema.builder(JsonMetaSchema.getV201909())
          .unknownKeywordFactory((keyword, context) -> new NonValidationKeyword(keyword))
          .format(PatternFormat.of("duration", "^(\\d+(\\.\\d+)?(ns|us|µs|ms|s|m|h))+$", null))
          .format(PatternFormat.of("ports",
              "^((\\[[0-9a-fA-F:]+\\]|[0-9.]+):)?((\\d+(-\\d+)?)?:)?\\d+(-\\d+)?(/(tcp|udp|sctp))?$", null))
          .format(PatternFormat.of("expose", "^\\d+(-\\d+)?(/(tcp|udp|sctp))?$", null))
          .format(PatternFormat.of("subnet_ip_address", "^[0-9a-fA-F.:]+/\\d+$", null))
          .build();
      JsonSchemaFactory factory = JsonSchemaFactory.builder(JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V201909))
          .metaSchema(meta).build();
      return factory.getSchema(schema, SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void stripIds(JsonNode node) {
    if (node.isObject()) {
      if (node.path("id").isTextual()) {
        ((ObjectNode) node).remove("id");
      }
      node.forEach(ComposePolicy::stripIds);
    } else if (node.isArray()) {
      node.forEach(ComposePolicy::stripIds);
    }
  }
}
