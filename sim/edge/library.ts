/**
 * Reads the sandbox's data files: built-in topologies (`sim/topologies/*.json`) and the scenario
 * library (`sim/scenarios/*.json`). A scenario can be named by id or given as a path.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScenario } from '../scenario.js';
import { SpecError, parseTopology, type Scenario, type TopologySpec } from '../schema.js';

export const SIM_DIR = fileURLToPath(new URL('..', import.meta.url));
export const SCENARIO_DIR = join(SIM_DIR, 'scenarios');
export const TOPOLOGY_DIR = join(SIM_DIR, 'topologies');

function readJson(path: string): unknown {
  const text = readFileSync(path, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new SpecError(path, [{ path: '', message: `not valid JSON: ${(e as Error).message}` }]);
  }
}

/** Built-in topologies by name, as raw documents (validated when a scenario uses one). */
export function rawTopologies(dir = TOPOLOGY_DIR): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) out[basename(f, '.json')] = readJson(join(dir, f));
  return out;
}

export function loadTopology(name = 'shop', dir = TOPOLOGY_DIR): TopologySpec {
  const path = join(dir, `${name}.json`);
  if (!existsSync(path)) throw new SpecError('topology', [{ path: '', message: `unknown topology "${name}" (known: ${Object.keys(rawTopologies(dir)).join(', ')})` }]);
  return parseTopology(readJson(path), path);
}

/** Loads one scenario by id (from the library) or by file path. */
export function loadScenario(idOrPath: string, dir = SCENARIO_DIR): Scenario {
  const asPath = idOrPath.endsWith('.json') || idOrPath.includes('/') ? resolve(idOrPath) : join(dir, `${idOrPath}.json`);
  if (!existsSync(asPath)) {
    const known = listScenarioFiles(dir).map((f) => basename(f, '.json'));
    throw new SpecError(idOrPath, [{ path: '', message: `no such scenario (known: ${known.join(', ')})` }]);
  }
  return parseScenario(readJson(asPath), { topologies: rawTopologies(), source: asPath });
}

export function listScenarioFiles(dir = SCENARIO_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(dir, f));
}

/** Every scenario in the library, with the load error of each bad file. */
export function loadLibrary(dir = SCENARIO_DIR): { scenarios: Scenario[]; errors: { file: string; error: string }[] } {
  const scenarios: Scenario[] = [];
  const errors: { file: string; error: string }[] = [];
  const topologies = rawTopologies();
  for (const file of listScenarioFiles(dir)) {
    try {
      const s = parseScenario(readJson(file), { topologies, source: file });
      if (s.id !== basename(file, '.json')) throw new SpecError(file, [{ path: 'id', message: `"${s.id}" must match the file name "${basename(file, '.json')}"` }]);
      scenarios.push(s);
    } catch (e) {
      errors.push({ file, error: (e as Error).message });
    }
  }
  return { scenarios, errors };
}
