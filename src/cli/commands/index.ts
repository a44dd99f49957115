// The command table. Adding a command: write commands/<name>.ts exporting a `Command`, add it here.
import type { Command } from '../command.ts';
import { renderCommand } from './render.ts';
import { diffCommand } from './diff.ts';
import { healthCommand } from './health.ts';
import { syncCommand } from './sync.ts';
import { devClusterCommand } from './dev-cluster.ts';
import { validateCommand } from './validate.ts';
import { historyCommand } from './history.ts';

export const COMMANDS: Command[] = [renderCommand, validateCommand, diffCommand, healthCommand, syncCommand, historyCommand, devClusterCommand];
