/**
 * The layering of the code (npm run lint): each layer imports only those below it, and nothing imports in a circle.
 *
 *   api, scripts, bench  →  worker  →  workflows  →  contracts  ←  activities  →  integrations, lib  →  domain, policy, config
 *
 * (db/ is with lib/: migrations and connections.) Kept by dependency-cruiser (https://github.com/sverweij/dependency-cruiser).
 *
 * `contracts/` is what two layers must agree on (workflow inputs and IDs, message definitions, search attributes, state
 * types); it imports only `domain/`. Workflows name their activities by type only (`import type`), so a type-only import
 * of `activities/` from `workflows/` is allowed; any other import of a higher layer is refused.
 */
const layers = {
  top: '^(api|scripts|bench)/',
  worker: '^worker/',
  workflows: '^workflows/',
  contracts: '^contracts/',
  activities: '^activities/',
  services: '^(integrations|lib|db)/',
  base: '^(domain|policy|config)/',
};

/** A rule: files of `from` may not import files of `to` (other than by type, where `types` says so). */
const forbid = (name, from, to, comment, typeOnlyAllowed = false) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from },
  to: { path: to, ...(typeOnlyAllowed ? { dependencyTypesNot: ['type-only'] } : {}) },
});

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import circle: the layers are not layers any more.',
      from: {},
      to: { circular: true, dependencyTypesNot: ['type-only'] },
    },
    forbid(
      'base-is-the-bottom',
      layers.base,
      '^(api|scripts|bench|worker|workflows|contracts|activities|integrations|lib)/',
      'domain, policy and config import only each other.',
    ),
    forbid(
      'services-below-activities',
      layers.services,
      '^(api|scripts|bench|worker|workflows|activities)/',
      'lib, db and integrations are below the activities (they may read the contract).',
    ),
    forbid(
      'contracts-import-only-domain',
      layers.contracts,
      '^(api|scripts|bench|worker|workflows|activities|integrations|lib|policy|config)/',
      'The contract imports only domain/.',
    ),
    forbid(
      'activities-below-workflows',
      layers.activities,
      '^(api|scripts|bench|worker|workflows)/',
      'Activities do I/O; they do not know the workflows (the contract is between them).',
    ),
    forbid(
      'workflows-name-activities-by-type',
      layers.workflows,
      '^(api|scripts|bench|worker|activities|integrations|lib)/',
      'Workflows are deterministic: no I/O code; activities only by type.',
      true,
    ),
    forbid(
      'worker-below-the-top',
      layers.worker,
      '^(api|scripts|bench)/',
      'The worker is below the API and the scripts.',
    ),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|generated|test|web|simulators|\\.tools|\\.data)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
