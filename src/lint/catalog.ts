/**
 * Every rule `drydock lint` knows: BuildKit's build checks (the frontend's table, same names,
 * messages and URLs) and drydock's own advice rules about multi-stage builds, caching and size.
 */
import { lintRules, type LintRule } from '../dockerfile/index.js';

export type RuleOrigin = 'buildkit' | 'drydock';

export interface CatalogRule {
  name: string;
  description: string;
  /** Where the finding points readers (BuildKit's page, or ours). */
  url: string;
  /** Our page with a bad and a good example. */
  doc: string;
  origin: RuleOrigin;
  /** Off unless `# check=experimental=NAME|all`. */
  experimental: boolean;
  format: (...args: string[]) => string;
}

const docPath = (name: string): string => `docs/rules/${name}.md`;

/** drydock's own rules: advice, reported with severity `info`. */
export const drydockRules = {
  CopyAllBeforeInstall: {
    name: 'CopyAllBeforeInstall',
    description: 'Copy only the dependency manifests before installing dependencies, so source changes keep the install cached',
    format: (install: string, line: string) =>
      `The whole build context is copied before the dependency install ${JSON.stringify(install)} (line ${line}): any source change re-runs it; copy the dependency manifests first`,
  },
  ToolchainFinalStage: {
    name: 'ToolchainFinalStage',
    description: 'The final stage of a multi-stage build should not be based on a toolchain image',
    format: (image: string) =>
      `Final stage is based on the toolchain image ${JSON.stringify(image)}: copy the build output into a smaller runtime image instead`,
  },
  UnusedStage: {
    name: 'UnusedStage',
    description: 'Every stage should be used by the target stage, or it is never built',
    format: (stage: string, target: string) =>
      `Stage ${stage} is not used by the target stage ${target} and is never built by default`,
  },
  UnpinnedBaseImage: {
    name: 'UnpinnedBaseImage',
    description: 'Base images should be pinned to a version tag or a digest, not :latest or no tag',
    format: (image: string, how: string) =>
      `Base image ${JSON.stringify(image)} ${how}: builds change whenever it is updated; pin a version tag or a digest`,
  },
  PackageCacheInLayer: {
    name: 'PackageCacheInLayer',
    description: 'Package installs should not leave package manager caches in the image layer',
    format: (what: string, fix: string) => `${what} leaves its cache in the layer: ${fix}`,
  },
} satisfies Record<string, { name: string; description: string; format: (...a: string[]) => string }>;

export type DrydockRuleName = keyof typeof drydockRules;

function fromBuildkit(r: LintRule): CatalogRule {
  return {
    name: r.name, description: r.description, url: r.url || docPath(r.name), doc: docPath(r.name),
    origin: 'buildkit', experimental: !!r.experimental, format: r.format,
  };
}

/** The catalog, BuildKit's rules first, then drydock's. */
export const catalog: readonly CatalogRule[] = [
  // UnusedBuildArg is the classic builder's warning, not a check
  ...Object.values(lintRules as Record<string, LintRule>).filter((r) => r.name !== 'UnusedBuildArg').map(fromBuildkit),
  ...Object.values(drydockRules).map((r): CatalogRule => ({
    ...r, url: docPath(r.name), doc: docPath(r.name), origin: 'drydock', experimental: false,
  })),
];

const byName = new Map(catalog.map((r) => [r.name, r]));

export function findRule(name: string): CatalogRule | undefined {
  return byName.get(name);
}
