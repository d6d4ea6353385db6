/**
 * ADD of git repositories (`ADD https://host/repo.git#ref:subdir /dst`, `--keep-git-dir`),
 * with the system `git` CLI. Contract: `parseGitURL` splits a source as BuildKit does;
 * `resolveGitCommit` gives the commit a ref points at now (what the step's cache key uses);
 * `checkoutGit` puts exactly that commit's tree in a temporary directory to copy from.
 */
export { isGitURL, parseGitURL, type GitSource } from './url.js';
export { resolveGitCommit, checkoutGit, type Checkout } from './checkout.js';
export { git, GitError } from './git.js';
