// `driftguard health --operator-config <file>` (default $DRIFTGUARD_CONFIG): the operator config's CEL
// health checks (`healthCheckExprs`), so the CLI judges custom kinds as the workers do.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseOperatorConfig } from '../core/config/operator-config.ts';
import { DriftguardError } from '../core/errors.ts';
import type { CustomHealthChecks } from '../core/health/index.ts';
import { stringOpt, type OptionValues } from './command.ts';

export function healthChecksFromOptions(values: OptionValues, io: { env: NodeJS.ProcessEnv; cwd: string }): CustomHealthChecks | undefined {
  const file = stringOpt(values, 'operator-config') ?? (io.env.DRIFTGUARD_CONFIG || undefined);
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (e) {
    throw new DriftguardError('NOT_FOUND', `cannot read the operator config ${file}: ${(e as Error).message}`, { cause: e });
  }
  return parseOperatorConfig(file, text).healthChecks;
}
