import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARS } from './config.js';

describe('.env.example and the README', () => {
  const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  it.each(Object.keys(CONFIG_VARS))('documents %s', (name) => {
    expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
    expect(readme).toContain(`\`${name}\``);
  });
});
