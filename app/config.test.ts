import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maskSecrets } from '../detectors/secrets.js';
import { ConfigError, DEFAULT_LLM_MODEL, describeConfig, llmConfig, loadConfig, loadMasks } from './config.js';
import { detectionThread } from './runtime.js';

describe('loadConfig', () => {
  it('gives embedded defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c.PORT).toBe(3000);
    expect(c.WARROOM_DATA_DIR).toBe('./.warroom');
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.NATS_URL).toBeUndefined();
  });

  it('treats empty strings as unset for optional integrations', () => {
    const c = loadConfig({ DATABASE_URL: '', NATS_URL: '  ' });
    expect(c.DATABASE_URL).toBeUndefined();
    expect(c.NATS_URL).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['DATABASE_URL', 'not a url'],
    ['LOG_LEVEL', 'loud'],
    ['WARROOM_ADMIN_KEY', 'short'],
  ])('names the variable when %s=%s is bad', (name, value) => {
    let err: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems.map((p) => p.variable)).toEqual([name]);
    expect((err as Error).message).toContain(name);
  });

  it('masks secrets when described for logs', () => {
    const c = loadConfig({ DATABASE_URL: 'postgres://u:pw@h/db', WARROOM_API_KEY: 'x'.repeat(30) });
    const d = describeConfig(c);
    expect(d.DATABASE_URL).toBe('***');
    expect(d.WARROOM_API_KEY).toBe('***');
    expect(JSON.stringify(d)).not.toContain('pw@');
    expect(d.WARROOM_ADMIN_KEY).toBe('unset');
  });
});

describe('loadMasks', () => {
  it('adds the rules of the WARROOM_MASK_RULES file to the built-in ones, and refuses a file that is not a list', () => {
    const dir = mkdtempSync(join(tmpdir(), 'warroom-masks-'));
    try {
      const rules = join(dir, 'rules.json');
      writeFileSync(rules, JSON.stringify([{ name: 'ticket', pattern: 'TCK-[0-9]+', replacement: '<:TICKET:>' }]));
      const masks = loadMasks(loadConfig({ WARROOM_MASK_RULES: rules }));
      expect(maskSecrets('TCK-42 password=hunter2', masks)).toBe('<:TICKET:> password=<:SECRET:>');
      expect(maskSecrets('TCK-42', loadMasks(loadConfig({})))).toBe('TCK-42');
      writeFileSync(rules, '{"name":"x"}');
      expect(() => loadMasks(loadConfig({ WARROOM_MASK_RULES: rules }))).toThrow(/must hold a JSON array/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('WARROOM_DETECTION_THREAD', () => {
  it('auto puts the detectors on a worker only where a core is to spare', () => {
    expect(loadConfig({}).WARROOM_DETECTION_THREAD).toBe('auto');
    expect(detectionThread('auto', 2)).toBe('inline');
    expect(detectionThread('auto', 8)).toBe('worker');
    expect(detectionThread('worker', 2)).toBe('worker');
    expect(detectionThread('inline', 64)).toBe('inline');
    expect(() => loadConfig({ WARROOM_DETECTION_THREAD: 'gpu' })).toThrow(/WARROOM_DETECTION_THREAD/);
    // the same key as both the platform admin key and the org key: the org key would never act
    const key = 'k'.repeat(32);
    expect(() => loadConfig({ WARROOM_API_KEY: key, WARROOM_ADMIN_KEY: key })).toThrow(/WARROOM_API_KEY: must differ from WARROOM_ADMIN_KEY/);
    expect(loadConfig({ WARROOM_API_KEY: key, WARROOM_ADMIN_KEY: 'a'.repeat(32) }).WARROOM_API_KEY).toBe(key);
  });
});

describe('the agent LLM settings', () => {
  it('are off with no endpoint, on with a base URL or a key, and never log the key', () => {
    expect(llmConfig(loadConfig({}))).toBeUndefined();
    expect(llmConfig(loadConfig({ LLM_MODEL: 'qwen2.5' }))).toBeUndefined();
    const local = loadConfig({ OPENAI_BASE_URL: 'http://127.0.0.1:8000/v1', LLM_MODEL: 'qwen2.5' });
    expect(llmConfig(local)).toEqual({ apiKey: 'no-key', baseURL: 'http://127.0.0.1:8000/v1', model: 'qwen2.5', timeoutMs: 30_000, tokenBudget: 50_000 });
    const hosted = loadConfig({ OPENAI_API_KEY: 'sk-live-abcdef123456', WARROOM_LLM_TOKEN_BUDGET: '2000', WARROOM_LLM_TIMEOUT_MS: '5000' });
    expect(llmConfig(hosted)).toEqual({ apiKey: 'sk-live-abcdef123456', baseURL: undefined, model: DEFAULT_LLM_MODEL, timeoutMs: 5000, tokenBudget: 2000 });
    expect(JSON.stringify(describeConfig(hosted))).not.toContain('sk-live-abcdef123456');
    expect(describeConfig(hosted).OPENAI_API_KEY).toBe('***');
  });

  it('name a bad budget or timeout', () => {
    expect(() => loadConfig({ WARROOM_LLM_TOKEN_BUDGET: '-1' })).toThrow(/WARROOM_LLM_TOKEN_BUDGET/);
    expect(() => loadConfig({ WARROOM_LLM_TIMEOUT_MS: '10' })).toThrow(/WARROOM_LLM_TIMEOUT_MS/);
  });
});
