// The job summary a user reads after a deploy: pure markdown from the result.
import type { DeployError, DeployResult, PhaseRecord } from './deploy.js';
import type { Release } from './history.js';
import type { ProbeResult } from './probe.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function timelineTable(timeline: PhaseRecord[]): string {
  const rows = timeline.map((p) => `| ${p.ok ? '✅' : '❌'} ${p.phase} | ${seconds(p.ms)} | ${cell(p.detail)} |`);
  return ['| phase | duration | detail |', '| --- | ---: | --- |', ...rows].join('\n');
}

function probeList(probes: ProbeResult[]): string {
  const lines = probes.map((p) => `- ${p.error ? `error: ${cell(p.error)}` : `${p.status}, upstream ${p.upstream ?? '(no header)'}`}`);
  return `**Last probes through nginx**\n\n${lines.join('\n')}`;
}

/** Sections separated by blank lines; absent ones leave no trace. */
const sections = (...parts: Array<string | false>): string => `${parts.filter(Boolean).join('\n\n')}\n`;

export function successSummary(image: string, r: DeployResult): string {
  const from = r.previousContainer ? `${r.previousContainer} (:${r.previousPort})` : r.previousPort ? `:${r.previousPort}` : '(nothing)';
  return sections(
    `## docker-hot-deploy: ${image} is live`,
    [
      '| | |',
      '| --- | --- |',
      `| container | ${from} → **${r.container}** (:${r.port}) |`,
      `| image digest | \`${r.imageDigest}\` |`,
      `| switch (key write → proven) | ${r.switchSeconds.toFixed(3)} s |`,
      `| deploy | ${r.durationSeconds.toFixed(2)} s |`,
    ].join('\n'),
    timelineTable(r.timeline),
    r.warnings.length > 0 && `**Warnings**\n\n${r.warnings.map((w) => `- ${cell(w)}`).join('\n')}`,
    r.probes.length > 0 && probeList(r.probes),
    r.releases.length > 0 && releaseTable(r.releases),
  );
}

function releaseTable(releases: Release[]): string {
  const rows = releases.map((r) => `| ${r.time.replace('T', ' ').slice(0, 19)} | ${r.outcome} | ${cell(r.image)} | ${r.digest ? `\`${r.digest.slice(0, 19)}\`` : ''} | ${r.container} |`);
  return ['**Last releases of this deployment** (rollback: true goes back one)', '', '| time (UTC) | outcome | image | digest | container |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

export function failureSummary(image: string, e: DeployError): string {
  return sections(
    `## docker-hot-deploy: ${image} was not deployed`,
    `**${e.phase}** failed: ${cell(e.reason)}`,
    e.hint,
    timelineTable(e.timeline),
    Boolean(e.details.logs) && `**Last log lines of the new container**\n\n\`\`\`\n${e.details.logs}\n\`\`\``,
    (e.details.probes ?? []).length > 0 && probeList(e.details.probes ?? []),
  );
}
