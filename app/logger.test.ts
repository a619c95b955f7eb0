import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SECRET_RULES, compileMaskRules } from '../detectors/secrets.js';
import { describeConfig, loadConfig } from './config.js';
import { createLogger } from './logger.js';

/** The start-up line's `config` as it reaches the log. */
function loggedConfig(env: Record<string, string>): Record<string, unknown> {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  const logger = createLogger('info', compileMaskRules(DEFAULT_SECRET_RULES), sink);
  logger.info({ config: describeConfig(loadConfig(env)) }, 'warroom listening');
  logger.flush();
  return JSON.parse(lines[0]).config;
}

describe('start-up log of the configuration', () => {
  it('says "unset" for a secret that is not set, and hides one that is', () => {
    const unset = loggedConfig({});
    expect(unset.DATABASE_URL).toBe('unset');
    expect(unset.WARROOM_API_KEY).toBe('unset');
    expect(unset.OPENAI_API_KEY).toBe('unset');
    const set = loggedConfig({ DATABASE_URL: 'postgres://u:pw@h/db', WARROOM_API_KEY: 'k'.repeat(30), OPENAI_API_KEY: 'sk-abc' });
    for (const k of ['DATABASE_URL', 'WARROOM_API_KEY', 'OPENAI_API_KEY']) expect(set[k]).toMatch(/^(\*\*\*|<:SECRET:>)$/);
    expect(JSON.stringify(set)).not.toContain('pw@');
    expect(set.PORT).toBe(3000);
  });
});
