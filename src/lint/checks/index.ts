/**
 * The checks lint runs after the frontend has planned and dispatched every stage: BuildKit's
 * rules that need the context or the local store, then drydock's own rules. Each check reads
 * the CheckContext and reports; the configuration (`# check=`) is applied afterwards.
 */
import { copyIgnoredFile, invalidBaseImagePlatform, invalidDefinitionDescription } from './buildkit.js';
import type { Check } from './context.js';
import { copyAllBeforeInstall, packageCacheInLayer } from './run-steps.js';
import { toolchainFinalStage, unpinnedBaseImage, unusedStage } from './stages.js';

export const checks: readonly Check[] = [
  copyIgnoredFile, invalidBaseImagePlatform, invalidDefinitionDescription,
  copyAllBeforeInstall, packageCacheInLayer, toolchainFinalStage, unpinnedBaseImage, unusedStage,
];

export type { Check, CheckContext, BaseImageInfo } from './context.js';
export { dependencyInstall, runCommands } from './run-steps.js';
export { isToolchainImage } from './stages.js';
