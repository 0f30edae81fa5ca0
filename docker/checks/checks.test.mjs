// Self-tests of the static checks: the project's files pass, and each deliberate breakage of them fails with the
// rule that names it. A checker that accepted everything would fail here.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkDockerfile, isPinned } from './dockerfile-policy.mjs';
import { checkCompose, interpolate, parseEnvFile } from './compose-policy.mjs';
import { checkDockerignore, contextFiles, repositoryFiles } from './dockerignore.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const read = (path) => readFileSync(join(ROOT, path), 'utf8');
const DOCKERFILE = read('docker/Dockerfile');
const COMPOSE = read('compose.yml');
const ENV_EXAMPLE = parseEnvFile(read('.env.example'));
const DOCKERIGNORE = read('.dockerignore');

const rules = (violations) => [...new Set(violations.map((v) => v.rule))].sort();

/** Replaces exactly one occurrence, so that a mutation can never silently miss its target. */
function mutate(text, from, to) {
  const parts = text.split(from);
  assert.equal(parts.length, 2, `expected exactly one "${from}"`);
  return parts.join(to);
}

describe('Dockerfile policy', () => {
  test('the project Dockerfile passes', () => {
    assert.deepEqual(checkDockerfile(DOCKERFILE), []);
  });

  test('the bad fixture breaks every rule it was written to break', () => {
    assert.deepEqual(rules(checkDockerfile(read('docker/test-fixtures/Dockerfile.bad'))), [
      'app-layers', 'base-image-build-arg', 'copy-not-add', 'dependency-layer', 'exec-form-entrypoint',
      'healthcheck', 'no-syntax-directive', 'non-root-user', 'oci-labels', 'pinned-from',
    ]);
  });

  const mutations = [
    ['a syntax directive', (d) => `# syntax=docker/dockerfile:1\n${d}`, 'no-syntax-directive'],
    ['a latest build image', (d) => mutate(d, 'eclipse-temurin:21.0.8_9-jdk-noble', 'eclipse-temurin:latest'), 'pinned-from'],
    ['an untagged runtime image', (d) => mutate(d, 'debian:12.11-slim', 'debian'), 'pinned-from'],
    ['a base image without a build argument', (d) => mutate(d, 'FROM ${RUNTIME_IMAGE}', 'FROM debian:12.11-slim'), 'base-image-build-arg'],
    ['ADD instead of COPY', (d) => mutate(d, 'COPY docker/assemble.sh docker/', 'ADD docker/assemble.sh docker/'), 'copy-not-add'],
    ['no USER', (d) => mutate(d, 'USER 10001:10001\n', ''), 'non-root-user'],
    ['USER root', (d) => mutate(d, 'USER 10001:10001', 'USER root'), 'non-root-user'],
    ['USER 0', (d) => mutate(d, 'USER 10001:10001', 'USER 0:0'), 'non-root-user'],
    ['no HEALTHCHECK', (d) => d.replace(/HEALTHCHECK[^\n]*\\\n[^\n]*\n/, ''), 'healthcheck'],
    ['a curl HEALTHCHECK', (d) => d.replace(/CMD \["bash"[^\n]*= 200 \]"\]/, 'CMD curl -f http://127.0.0.1:8080/health/ready'), 'healthcheck'],
    ['sources before the dependency layer', (d) => mutate(d, 'COPY mvnw pom.xml ./', 'COPY . .\nCOPY mvnw pom.xml ./'), 'dependency-layer'],
    ['no dependency RUN before the sources', (d) => d.replace(/RUN \.\/mvnw -B -q -DskipTests[^\n]*\\\n[^\n]*\n/, ''), 'dependency-layer'],
    ['a shell-form ENTRYPOINT', (d) => d.replace(/ENTRYPOINT \[[^\n]*\]/, 'ENTRYPOINT java -jar /app/newsagg.jar'), 'exec-form-entrypoint'],
    ['no MaxRAMPercentage', (d) => mutate(d, '"-XX:MaxRAMPercentage=75.0", ', ''), 'container-memory'],
    ['no EXPOSE', (d) => mutate(d, 'EXPOSE 8080\n', ''), 'expose'],
    ['no OCI source label', (d) => mutate(d, 'org.opencontainers.image.source=', 'org.example.source='), 'oci-labels'],
    ['one application layer', (d) => mutate(d, 'COPY --from=build /layers/lib/ /app/lib/\n', ''), 'app-layers'],
    ['a bad HEALTHCHECK flag', (d) => mutate(d, '--interval=10s', '--interval=10x'), 'lint'],
  ];
  for (const [name, apply, rule] of mutations) {
    test(`${name} fails with ${rule}`, () => {
      assert.ok(rules(checkDockerfile(apply(DOCKERFILE))).includes(rule));
    });
  }

  test('pinning needs a version or a digest', () => {
    assert.ok(isPinned('debian:12.11-slim'));
    assert.ok(isPinned('registry.example:5000/team/jdk@sha256:' + 'a'.repeat(64)));
    assert.ok(!isPinned('registry.example:5000/team/jdk'));
    assert.ok(!isPinned('debian:bookworm-slim'));
    assert.ok(!isPinned('eclipse-temurin:latest'));
  });
});

describe('compose.yml policy and schema', () => {
  const check = (text) => checkCompose(text, { envExample: ENV_EXAMPLE, dockerfileText: DOCKERFILE });

  test('the project compose.yml passes', () => {
    assert.deepEqual(check(COMPOSE), []);
  });

  test('the bad fixture breaks every rule it was written to break', () => {
    assert.deepEqual(rules(check(read('docker/test-fixtures/compose.bad.yml'))), [
      'api-build', 'api-healthcheck', 'default-sources', 'depends-on-healthy', 'healthcheck',
      'memory-limit', 'no-secret-literals', 'no-top-level-name', 'pinned-image', 'ports', 'postgres-volume',
      'redis-cache', 'redis-eviction', 'restart', 'schema', 'seed-profile',
    ]);
  });

  const mutations = [
    ['a top-level name', (c) => `name: newsagg\n${c}`, 'no-top-level-name'],
    ['an unknown service key', (c) => mutate(c, '    image: postgres:15.13-alpine', '    image: postgres:15.13-alpine\n    memory: 1g'), 'schema'],
    ['a bad healthcheck duration', (c) => mutate(c, 'interval: 10s', 'interval: ten seconds'), 'schema'],
    ['a latest image', (c) => mutate(c, 'redis:7.4.5-alpine', 'redis:latest'), 'pinned-image'],
    ['an untagged image', (c) => mutate(c, 'postgres:15.13-alpine', 'postgres'), 'pinned-image'],
    ['a password literal', (c) => mutate(c, '      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?POSTGRES_PASSWORD is not set; run cp .env.example .env}', '      POSTGRES_PASSWORD: hunter2'), 'no-secret-literals'],
    ['a password default', (c) => mutate(c, 'METRICS_TOKEN: ${METRICS_TOKEN:-}', 'METRICS_TOKEN: ${METRICS_TOKEN:-0123456789abcdef}'), 'no-secret-literals'],
    ['postgres published', (c) => mutate(c, '    shm_size: 256m', '    shm_size: 256m\n    ports:\n      - "127.0.0.1:5432:5432"'), 'ports'],
    ['the API on all interfaces', (c) => mutate(c, '${API_BIND:-127.0.0.1}:', ''), 'ports'],
    ['no redis healthcheck', (c) => mutate(c, '      test: ["CMD-SHELL", "redis-cli ping | grep -q PONG"]\n', ''), 'healthcheck'],
    ['no restart policy', (c) => mutate(c, 'image: redis:7.4.5-alpine\n    restart: unless-stopped\n', 'image: redis:7.4.5-alpine\n'), 'restart'],
    ['depends_on without a condition', (c) => mutate(c, '      redis:\n        condition: service_healthy\n', '      redis: {}\n'), 'depends-on-healthy'],
    ['no memory limit', (c) => mutate(c, '    mem_limit: ${REDIS_MEM_LIMIT:-192m}\n', ''), 'memory-limit'],
    ['a bind mount for PostgreSQL data', (c) => mutate(c, '- pgdata:/var/lib/postgresql/data', '- ./pgdata:/var/lib/postgresql/data'), 'postgres-volume'],
    ['redis persistence', (c) => mutate(c, '"--appendonly", "no"', '"--appendonly", "yes"'), 'redis-cache'],
    ['an eviction policy that drops the generation keys', (c) => mutate(c, '"volatile-lru"', '"allkeys-lru"'), 'redis-eviction'],
    ['no eviction policy', (c) => mutate(c, ', "--maxmemory-policy", "volatile-lru"', ''), 'redis-eviction'],
    ['DEFAULT_SOURCES off', (c) => mutate(c, '${DEFAULT_SOURCES:-true}', 'false'), 'default-sources'],
    ['a variable missing from .env.example', (c) => mutate(c, '${FEEDS_WORKERS:-4}', '${FEEDS_THREADS:-4}'), 'env-example'],
    ['a healthcheck that drifted from the image', (c) => mutate(c, '-t 5 _ status', '-t 9 _ status'), 'api-healthcheck'],
    ['a healthcheck whose $ Compose would substitute', (c) => mutate(c, '/$${PORT:-8080}', '/${PORT:-8080}'), 'api-healthcheck'],
  ];
  for (const [name, apply, rule] of mutations) {
    test(`${name} fails with ${rule}`, () => {
      assert.ok(rules(check(apply(COMPOSE))).includes(rule), JSON.stringify(check(apply(COMPOSE))));
    });
  }

  test('interpolation follows compose: defaults, required values and $$', () => {
    const env = new Map([['SET', 'x'], ['EMPTY', '']]);
    assert.equal(interpolate('${SET:-d}|${EMPTY:-d}|${EMPTY-d}|${UNSET-d}|$$SET|$SET', env), 'x|d||d|$SET|x');
    const errors = [];
    interpolate('${UNSET:?is required}', env, errors);
    assert.deepEqual(errors, ['UNSET: is required']);
  });
});

describe('.dockerignore', () => {
  const files = repositoryFiles(ROOT);

  test('the project .dockerignore excludes the unwanted and keeps what the build copies', () => {
    assert.deepEqual(checkDockerignore(DOCKERIGNORE, DOCKERFILE, files), []);
  });

  test('the context holds no test source, build output, secret or VCS data', () => {
    const context = contextFiles(ROOT, DOCKERIGNORE);
    assert.ok(context.includes('aggregator-http/src/main/java/newsagg/http/Main.java'));
    assert.deepEqual(context.filter((p) => /(^|\/)(target|\.git|node_modules|src\/test)\/|(^|\/)\.env|\.log$/.test(p)), []);
  });

  test('an ignore-nothing file fails', () => {
    assert.ok(rules(checkDockerignore('', DOCKERFILE, files)).includes('exclude'));
  });

  test('forgetting **/.env lets a .env inside the sources through, and fails', () => {
    const violations = checkDockerignore(DOCKERIGNORE.replace(/^\*\*\/\.env$/m, ''), DOCKERFILE, files);
    assert.ok(violations.some((v) => v.message.endsWith('/.env would be sent to the daemon')), JSON.stringify(violations));
  });

  test('a wildcard folder in an exception fails, since the classic builder never walks into it', () => {
    const violations = checkDockerignore(`${DOCKERIGNORE}\n!aggregator-*/pom.xml\n`, DOCKERFILE, files);
    assert.ok(violations.some((v) => v.rule === 'exception-folder'), JSON.stringify(violations));
  });

  test('excluding the sources the Dockerfile copies fails', () => {
    const violations = checkDockerignore(`${DOCKERIGNORE}\naggregator-http/src\n`, DOCKERFILE, files);
    assert.ok(violations.some((v) => v.rule === 'keep' && v.message.includes('aggregator-http/src/main/')), JSON.stringify(violations));
  });
});
