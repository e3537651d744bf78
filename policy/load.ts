/**
 * Reads the policy parameter files of this folder (one JSON file per family, see README.md) and validates them with
 * the zod schemas of domain/policy. The only I/O of the rules layer; everything else takes the PolicyData as input.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parsePolicyData, PolicyDataError, type PolicyData } from '../domain/policy';

/** This folder: where the starting parameter files live. */
export const POLICY_DIR = fileURLToPath(new URL('.', import.meta.url));

/**
 * Load and validate every *.json file in `dir`. Bad JSON or data that breaks the schema throws PolicyDataError naming
 * the file and the path inside it (e.g. `benefit-level.json at .entries[0].value.brackets[1].shareBp`).
 */
export function loadPolicyData(dir: string = POLICY_DIR): PolicyData {
  const files: Record<string, unknown> = {};
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const path = join(dir, name);
    const text = readFileSync(path, 'utf8');
    try {
      files[name] = JSON.parse(text) as unknown;
    } catch (err) {
      throw new PolicyDataError(path, [{ path: '', message: `not valid JSON: ${(err as Error).message}` }]);
    }
  }
  try {
    return parsePolicyData(files);
  } catch (err) {
    if (err instanceof PolicyDataError) throw new PolicyDataError(join(dir, err.file), err.issues);
    throw err;
  }
}
