// The Action's `command: doctor` and `command: status`: the CLI's reads of every server,
// shown in the log as the CLI shows them, in the job summary as tables, and as the report output.
import * as core from '@actions/core';
import { writeSummary, type ActionCommand } from './config.js';
import { STATE } from './state.js';
import { STATUS_RELEASES, statusText } from '../operate/day-two.js';
import { doctor } from '../operate/doctor.js';
import { doctorSummary, doctorText, failures } from '../operate/doctor-checks.js';
import type { Config } from '../config/inputs.js';
import { everyServerStatus, unreadServers } from '../operate/commands.js';
import { printable } from '../remote/printable.js';
import { doctorMarkdown, statusMarkdown } from './summary.js';

export async function operateStep(command: Exclude<ActionCommand, 'deploy'>, config: Config): Promise<void> {
  // They change nothing: the post step has nothing to clean up, and need not load what would.
  core.saveState(STATE.finished, 'true');
  if (command === 'doctor') {
    const servers = await doctor(config, core.debug);
    const ok = failures(servers) === 0;
    core.info(printable(doctorText(servers)));
    core.setOutput('report', JSON.stringify({ ok, servers }));
    await writeSummary(doctorMarkdown(servers));
    if (!ok) {
      process.exitCode = 1;
      core.setFailed(doctorSummary(servers));
    }
    return;
  }
  const results = await everyServerStatus(
    config,
    (line) => core.info(printable(line)),
    core.isDebug(),
    STATUS_RELEASES,
  );
  const statuses = results.flatMap((r) => (r.ok ? [r.value] : []));
  const unread = unreadServers(results);
  if (statuses.length > 0) core.info(printable(statusText(statuses)));
  core.setOutput('report', JSON.stringify({ ok: unread.length === 0, servers: statuses, failed: unread }));
  await writeSummary(statusMarkdown(statuses, unread));
  if (unread.length > 0) {
    process.exitCode = 1;
    core.setFailed(unread.map((u) => `${u.server}: could not be read: ${u.error}`).join('\n'));
  }
}
