import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from './config.js';
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

describe('WARROOM_DETECTION_THREAD', () => {
  it('auto puts the detectors on a worker only where a core is to spare', () => {
    expect(loadConfig({}).WARROOM_DETECTION_THREAD).toBe('auto');
    expect(detectionThread('auto', 2)).toBe('inline');
    expect(detectionThread('auto', 8)).toBe('worker');
    expect(detectionThread('worker', 2)).toBe('worker');
    expect(detectionThread('inline', 64)).toBe('inline');
    expect(() => loadConfig({ WARROOM_DETECTION_THREAD: 'gpu' })).toThrow(/WARROOM_DETECTION_THREAD/);
  });
});
