// Read `.github/driftguard.yml` at a ref. Missing → undefined (repos without config are ignored
// quietly); invalid → the DriftguardError, so the caller reports a failing check run at its line.
import { parseRepoConfig, REPO_CONFIG_PATH } from '../src/core/config/repo-config.ts';
import type { RepoConfig } from '../src/core/config/types.ts';
import { DriftguardError, isDriftguardError } from '../src/core/errors.ts';
import type { RepoClient, CheckOutput, Annotation } from '../src/github/client.ts';
import { CONFIG_CHECK } from './deps.ts';

export type LoadedConfig = { ok: true; config: RepoConfig } | { ok: false; error: DriftguardError } | undefined;

export async function loadRepoConfig(gh: RepoClient, ref: string): Promise<LoadedConfig> {
  const text = await gh.readFile(REPO_CONFIG_PATH, ref);
  if (text === null) return undefined;
  try {
    return { ok: true, config: parseRepoConfig(REPO_CONFIG_PATH, text) };
  } catch (e) {
    if (isDriftguardError(e)) return { ok: false, error: e };
    throw e;
  }
}

/** Annotations for every problem of a config error (each at its own line). */
export function configAnnotations(e: DriftguardError): Annotation[] {
  const problems = (e.details?.problems as Array<{ message: string; location: { file: string; line: number } }> | undefined) ?? [
    { message: e.message, location: e.location ?? { file: REPO_CONFIG_PATH, line: 1 } },
  ];
  return problems.map((p) => ({
    path: p.location.file,
    start_line: p.location.line,
    end_line: p.location.line,
    annotation_level: 'failure' as const,
    title: 'Invalid Driftguard config',
    message: p.message,
  }));
}

/** A failing `driftguard / config` check run on `sha` explaining what is wrong with the config. */
export async function reportConfigError(gh: RepoClient, sha: string, e: DriftguardError, where: string): Promise<void> {
  const output: CheckOutput = {
    title: 'Invalid .github/driftguard.yml',
    summary: `The Driftguard config on ${where} is invalid, so nothing was planned or synced.\n\n\`${e.toString().replace(/`/g, "'")}\``,
    annotations: configAnnotations(e),
  };
  await gh.reportCheckRun({ name: CONFIG_CHECK, headSha: sha, conclusion: 'failure', output });
}
