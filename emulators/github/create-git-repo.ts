// createGitRepo: a throwaway bare git repository with real commits, for tests and the demo.
import { rmSync } from 'node:fs';
import { commitFiles, initBareRepo, type FileMap } from './git.ts';

export interface CommitSpec {
  files: FileMap;
  message?: string;
  /** Branch to commit on (default: the default branch); created from `from` (default: the default branch). */
  branch?: string;
  from?: string;
}

export interface GitRepoFixture {
  dir: string;
  defaultBranch: string;
  /** SHA of the initial commit followed by one SHA per commit spec. */
  shas: string[];
  remove(): void;
}

export async function createGitRepo(files: FileMap, commits: CommitSpec[] = [], opts: { defaultBranch?: string } = {}): Promise<GitRepoFixture> {
  const defaultBranch = opts.defaultBranch ?? 'main';
  const dir = await initBareRepo(defaultBranch);
  const shas = [await commitFiles(dir, { branch: defaultBranch, files, message: 'Initial commit' })];
  for (const c of commits) {
    const branch = c.branch ?? defaultBranch;
    shas.push(await commitFiles(dir, { branch, files: c.files, message: c.message, from: c.from ?? defaultBranch }));
  }
  return { dir, defaultBranch, shas, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
