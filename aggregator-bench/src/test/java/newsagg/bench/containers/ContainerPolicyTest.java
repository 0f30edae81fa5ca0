package newsagg.bench.containers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The container assets (docker/Dockerfile, compose.yml, .dockerignore) follow the project's policy, and each check
 * still catches what it must: the deliberately bad fixtures in docker/test-fixtures/ and one mutation per rule fail
 * with the rule that names it. A checker that accepted everything would fail here.
 */
class ContainerPolicyTest {

  private static final Path ROOT = repositoryRoot();
  private static final String DOCKERFILE = read("docker/Dockerfile");
  private static final String COMPOSE = read("compose.yml");
  private static final Map<String, String> ENV_EXAMPLE = ComposePolicy.parseEnvFile(read(".env.example"));
  private static final String DOCKERIGNORE = read(".dockerignore");

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("compose.yml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no compose.yml above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  private static String read(String path) {
    try {
      return Files.readString(ROOT.resolve(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<String> rules(List<Violation> violations) {
    return List.copyOf(new TreeSet<>(violations.stream().map(Violation::rule).toList()));
  }

  /** Replaces exactly one occurrence, so that a mutation can never silently miss its target. */
  private static String mutate(String text, String from, String to) {
    assertThat(text.split(Pattern.quote(from), -1)).as("exactly one \"%s\"", from).hasSize(2);
    return text.replace(from, to);
  }

  private static String replaceRegex(String text, String regex, String to) {
    assertThat(Pattern.compile(regex).matcher(text).find()).as("a match of %s", regex).isTrue();
    return text.replaceFirst(regex, to);
  }

  private record Mutation(String name, UnaryOperator<String> apply, String rule) {}

  private static Stream<DynamicTest> mutations(List<Mutation> mutations,
      java.util.function.Function<String, List<Violation>> check, String original) {
    return mutations.stream().map(m -> DynamicTest.dynamicTest(m.name() + " fails with " + m.rule(), () -> {
      List<Violation> violations = check.apply(m.apply().apply(original));
      assertThat(rules(violations)).as("%s", violations).contains(m.rule());
    }));
  }

  @Nested
  class DockerfilePolicyTest {

    @Test
    void theProjectDockerfilePasses() {
      assertThat(DockerfilePolicy.check(DOCKERFILE)).isEmpty();
    }

    @Test
    void theBadFixtureBreaksEveryRuleItWasWrittenToBreak() {
      assertThat(rules(DockerfilePolicy.check(read("docker/test-fixtures/Dockerfile.bad")))).containsExactly(
          "app-layers", "base-image-build-arg", "copy-not-add", "dependency-layer", "exec-form-entrypoint",
          "healthcheck", "no-syntax-directive", "non-root-user", "oci-labels", "pinned-from");
    }

    @TestFactory
    Stream<DynamicTest> eachBreakageFailsWithItsRule() {
      return mutations(List.of(
          new Mutation("a syntax directive", d -> "# syntax=docker/dockerfile:1\n" + d, "no-syntax-directive"),
          new Mutation("a latest build image",
              d -> mutate(d, "eclipse-temurin:21.0.8_9-jdk-noble", "eclipse-temurin:latest"), "pinned-from"),
          new Mutation("an untagged runtime image", d -> mutate(d, "debian:12.11-slim", "debian"), "pinned-from"),
          new Mutation("a base image without a build argument",
              d -> mutate(d, "FROM ${RUNTIME_IMAGE}", "FROM debian:12.11-slim"), "base-image-build-arg"),
          new Mutation("ADD instead of COPY",
              d -> mutate(d, "COPY docker/assemble.sh docker/", "ADD docker/assemble.sh docker/"), "copy-not-add"),
          new Mutation("no USER", d -> mutate(d, "USER 10001:10001\n", ""), "non-root-user"),
          new Mutation("USER root", d -> mutate(d, "USER 10001:10001", "USER root"), "non-root-user"),
          new Mutation("USER 0", d -> mutate(d, "USER 10001:10001", "USER 0:0"), "non-root-user"),
          new Mutation("no HEALTHCHECK", d -> replaceRegex(d, "HEALTHCHECK[^\\n]*\\\\\\n[^\\n]*\\n", ""),
              "healthcheck"),
          new Mutation("a curl HEALTHCHECK", d -> replaceRegex(d, "CMD \\[\"bash\"[^\\n]*= 200 \\]\"\\]",
              "CMD curl -f http://127.0.0.1:8080/health/ready"), "healthcheck"),
          new Mutation("sources before the dependency layer",
              d -> mutate(d, "COPY mvnw pom.xml ./", "COPY . .\nCOPY mvnw pom.xml ./"), "dependency-layer"),
          new Mutation("no dependency RUN before the sources",
              d -> replaceRegex(d, "RUN \\./mvnw -B -q -DskipTests[^\\n]*\\\\\\n[^\\n]*\\n", ""), "dependency-layer"),
          new Mutation("a shell-form ENTRYPOINT",
              d -> replaceRegex(d, "ENTRYPOINT \\[[^\\n]*\\]", "ENTRYPOINT java -jar /app/newsagg.jar"),
              "exec-form-entrypoint"),
          new Mutation("no MaxRAMPercentage", d -> mutate(d, "\"-XX:MaxRAMPercentage=75.0\", ", ""),
              "container-memory"),
          new Mutation("no EXPOSE", d -> mutate(d, "EXPOSE 8080\n", ""), "expose"),
          new Mutation("no OCI source label",
              d -> mutate(d, "org.opencontainers.image.source=", "org.example.source="), "oci-labels"),
          new Mutation("one application layer", d -> mutate(d, "COPY --from=build /layers/lib/ /app/lib/\n", ""),
              "app-layers"),
          new Mutation("a bad HEALTHCHECK flag", d -> mutate(d, "--interval=10s", "--interval=10x"), "lint")),
          DockerfilePolicy::check, DOCKERFILE);
    }

    @TestFactory
    Stream<DynamicTest> theLintCatchesWhatTheLinterDid() {
      return mutations(List.of(
          new Mutation("an unknown instruction", d -> mutate(d, "EXPOSE 8080", "EXPOSES 8080"), "lint"),
          new Mutation("a lowercase instruction", d -> mutate(d, "EXPOSE 8080", "expose 8080"), "lint"),
          new Mutation("an uppercase directive", d -> "# SYNTAX=docker/dockerfile:1\n" + d, "lint"),
          new Mutation("an unknown COPY flag", d -> mutate(d, "COPY docker/assemble.sh docker/",
              "COPY --owner=1 docker/assemble.sh docker/"), "lint"),
          new Mutation("a second CMD", d -> d + "CMD [\"seed\"]\n", "lint"),
          new Mutation("a second ENTRYPOINT", d -> d + "ENTRYPOINT [\"java\"]\n", "lint"),
          new Mutation("JSON in single quotes", d -> mutate(d, "CMD [\"serve\"]", "CMD ['serve']"), "lint"),
          new Mutation("a relative WORKDIR", d -> mutate(d, "WORKDIR /app", "WORKDIR app"), "lint"),
          new Mutation("MAINTAINER", d -> mutate(d, "EXPOSE 8080\n", "EXPOSE 8080\nMAINTAINER someone\n"), "lint"),
          new Mutation("an empty continuation line", d -> mutate(d,
              "--retries=3 \\\n", "--retries=3 \\\n\n"), "lint"),
          new Mutation("zero retries", d -> mutate(d, "--retries=3", "--retries=0"), "lint"),
          new Mutation("a bad port", d -> mutate(d, "EXPOSE 8080", "EXPOSE 80a"), "lint")),
          DockerfilePolicy::check, DOCKERFILE);
    }

    @Test
    void pinningNeedsAVersionOrADigest() {
      assertThat(DockerfilePolicy.isPinned("debian:12.11-slim")).isTrue();
      assertThat(DockerfilePolicy.isPinned("registry.example:5000/team/jdk@sha256:" + "a".repeat(64))).isTrue();
      assertThat(DockerfilePolicy.isPinned("registry.example:5000/team/jdk")).isFalse();
      assertThat(DockerfilePolicy.isPinned("debian:bookworm-slim")).isFalse();
      assertThat(DockerfilePolicy.isPinned("eclipse-temurin:latest")).isFalse();
    }
  }

  @Nested
  class ComposePolicyTest {

    private List<Violation> check(String text) {
      return ComposePolicy.check(text, ENV_EXAMPLE, DOCKERFILE);
    }

    @Test
    void theProjectComposeFilePasses() {
      assertThat(check(COMPOSE)).isEmpty();
    }

    @Test
    void theBadFixtureBreaksEveryRuleItWasWrittenToBreak() {
      assertThat(rules(check(read("docker/test-fixtures/compose.bad.yml")))).containsExactly(
          "api-build", "api-healthcheck", "default-sources", "depends-on-healthy", "healthcheck",
          "memory-limit", "no-secret-literals", "no-top-level-name", "pinned-image", "ports", "postgres-volume",
          "redis-cache", "redis-eviction", "restart", "schema", "seed-profile");
    }

    @TestFactory
    Stream<DynamicTest> eachBreakageFailsWithItsRule() {
      return mutations(List.of(
          new Mutation("a top-level name", c -> "name: newsagg\n" + c, "no-top-level-name"),
          new Mutation("an unknown service key", c -> mutate(c, "    image: postgres:15.13-alpine",
              "    image: postgres:15.13-alpine\n    memory: 1g"), "schema"),
          new Mutation("a bad healthcheck duration", c -> mutate(c, "interval: 10s", "interval: ten seconds"),
              "schema"),
          new Mutation("a latest image", c -> mutate(c, "redis:7.4.5-alpine", "redis:latest"), "pinned-image"),
          new Mutation("an untagged image", c -> mutate(c, "postgres:15.13-alpine", "postgres"), "pinned-image"),
          new Mutation("a password literal", c -> mutate(c, "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?"
              + "POSTGRES_PASSWORD is not set; run cp .env.example .env}", "      POSTGRES_PASSWORD: hunter2"),
              "no-secret-literals"),
          new Mutation("a password default", c -> mutate(c, "METRICS_TOKEN: ${METRICS_TOKEN:-}",
              "METRICS_TOKEN: ${METRICS_TOKEN:-0123456789abcdef}"), "no-secret-literals"),
          new Mutation("postgres published", c -> mutate(c, "    shm_size: 256m",
              "    shm_size: 256m\n    ports:\n      - \"127.0.0.1:5432:5432\""), "ports"),
          new Mutation("the API on all interfaces", c -> mutate(c, "${API_BIND:-127.0.0.1}:", ""), "ports"),
          new Mutation("no redis healthcheck", c -> mutate(c,
              "      test: [\"CMD-SHELL\", \"redis-cli ping | grep -q PONG\"]\n", ""), "healthcheck"),
          new Mutation("no restart policy", c -> mutate(c, "image: redis:7.4.5-alpine\n    restart: unless-stopped\n",
              "image: redis:7.4.5-alpine\n"), "restart"),
          new Mutation("depends_on without a condition", c -> mutate(c,
              "      redis:\n        condition: service_healthy\n", "      redis: {}\n"), "depends-on-healthy"),
          new Mutation("no memory limit", c -> mutate(c, "    mem_limit: ${REDIS_MEM_LIMIT:-192m}\n", ""),
              "memory-limit"),
          new Mutation("a bind mount for PostgreSQL data", c -> mutate(c, "- pgdata:/var/lib/postgresql/data",
              "- ./pgdata:/var/lib/postgresql/data"), "postgres-volume"),
          new Mutation("redis persistence", c -> mutate(c, "\"--appendonly\", \"no\"", "\"--appendonly\", \"yes\""),
              "redis-cache"),
          new Mutation("an eviction policy that drops the generation keys",
              c -> mutate(c, "\"volatile-lru\"", "\"allkeys-lru\""), "redis-eviction"),
          new Mutation("no eviction policy", c -> mutate(c, ", \"--maxmemory-policy\", \"volatile-lru\"", ""),
              "redis-eviction"),
          new Mutation("DEFAULT_SOURCES off", c -> mutate(c, "${DEFAULT_SOURCES:-true}", "false"), "default-sources"),
          new Mutation("a variable missing from .env.example",
              c -> mutate(c, "${FEEDS_WORKERS:-4}", "${FEEDS_THREADS:-4}"), "env-example"),
          new Mutation("a healthcheck that drifted from the image", c -> mutate(c, "-t 5 _ status", "-t 9 _ status"),
              "api-healthcheck"),
          new Mutation("a healthcheck whose $ Compose would substitute",
              c -> mutate(c, "/$${PORT:-8080}", "/${PORT:-8080}"), "api-healthcheck")),
          this::check, COMPOSE);
    }

    @Test
    void interpolationFollowsCompose() {
      Map<String, String> env = Map.of("SET", "x", "EMPTY", "");
      assertThat(ComposePolicy.interpolate("${SET:-d}|${EMPTY:-d}|${EMPTY-d}|${UNSET-d}|$$SET|$SET", env,
          new ArrayList<>())).isEqualTo("x|d||d|$SET|x");
      List<String> errors = new ArrayList<>();
      ComposePolicy.interpolate("${UNSET:?is required}", env, errors);
      assertThat(errors).containsExactly("UNSET: is required");
    }
  }

  @Nested
  class DockerIgnoreTest {

    private final List<String> files = DockerIgnore.repositoryFiles(ROOT);

    @Test
    void theProjectDockerignoreExcludesTheUnwantedAndKeepsWhatTheBuildCopies() {
      assertThat(DockerIgnore.check(DOCKERIGNORE, DOCKERFILE, files)).isEmpty();
    }

    @Test
    void theContextHoldsNoTestSourceBuildOutputSecretOrVcsData() {
      List<String> context = new DockerIgnore(DOCKERIGNORE).contextFiles(files);
      assertThat(context).contains("aggregator-http/src/main/java/newsagg/http/Main.java");
      Pattern unwanted = Pattern.compile("(^|/)(target|\\.git|node_modules|src/test)/|(^|/)\\.env|\\.log$");
      assertThat(context).filteredOn(p -> unwanted.matcher(p).find()).isEmpty();
    }

    @Test
    void anIgnoreNothingFileFails() {
      assertThat(rules(DockerIgnore.check("", DOCKERFILE, files))).contains("exclude");
    }

    @Test
    void forgettingTheNestedEnvRuleLetsAnEnvInsideTheSourcesThroughAndFails() {
      String without = replaceRegex(DOCKERIGNORE, "(?m)^\\*\\*/\\.env$", "");
      List<Violation> violations = DockerIgnore.check(without, DOCKERFILE, files);
      assertThat(violations).as("%s", violations)
          .anyMatch(v -> v.message().endsWith("/.env would be sent to the daemon"));
    }

    @Test
    void aWildcardFolderInAnExceptionFailsSinceTheClassicBuilderNeverWalksIntoIt() {
      List<Violation> violations = DockerIgnore.check(DOCKERIGNORE + "\n!aggregator-*/pom.xml\n", DOCKERFILE, files);
      assertThat(violations).as("%s", violations).anyMatch(v -> v.rule().equals("exception-folder"));
    }

    @Test
    void excludingTheSourcesTheDockerfileCopiesFails() {
      List<Violation> violations = DockerIgnore.check(DOCKERIGNORE + "\naggregator-http/src\n", DOCKERFILE, files);
      assertThat(violations).as("%s", violations)
          .anyMatch(v -> v.rule().equals("keep") && v.message().contains("aggregator-http/src/main/"));
    }
  }
}
