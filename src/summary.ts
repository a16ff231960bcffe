// The job summary a user reads after a deploy: pure markdown from the result.
import type { DeployError, DeployResult, PhaseRecord } from './deploy.js';
import type { ProbeResult } from './probe.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function timelineTable(timeline: PhaseRecord[]): string {
  const rows = timeline.map((p) => `| ${p.ok ? '✅' : '❌'} ${p.phase} | ${seconds(p.ms)} | ${cell(p.detail)} |`);
  return ['| phase | duration | detail |', '| --- | ---: | --- |', ...rows].join('\n');
}

function probeList(probes: ProbeResult[]): string {
  if (probes.length === 0) return '';
  const lines = probes.map((p) => `- ${p.error ? `error: ${cell(p.error)}` : `${p.status}, upstream ${p.upstream ?? '(no header)'}`}`);
  return `\n\n**Last probes through nginx**\n\n${lines.join('\n')}`;
}

export function successSummary(image: string, r: DeployResult): string {
  const from = r.previousContainer ? `${r.previousContainer} (:${r.previousPort})` : r.previousPort ? `:${r.previousPort}` : '(nothing)';
  return [
    `## docker-hot-deploy: ${image} is live`,
    '',
    `| | |`,
    '| --- | --- |',
    `| container | ${from} → **${r.container}** (:${r.port}) |`,
    `| image digest | \`${r.imageDigest}\` |`,
    `| switch (key write → proven) | ${r.switchSeconds.toFixed(3)} s |`,
    `| deploy | ${r.durationSeconds.toFixed(2)} s |`,
    '',
    timelineTable(r.timeline),
    r.warnings.length > 0 ? `\n**Warnings**\n\n${r.warnings.map((w) => `- ${cell(w)}`).join('\n')}` : '',
    probeList(r.probes),
  ].join('\n') + '\n';
}

export function failureSummary(image: string, e: DeployError): string {
  return [
    `## docker-hot-deploy: ${image} was not deployed`,
    '',
    `**${e.phase}** failed: ${cell(e.message.replace(/^\w+ failed: /, ''))}`,
    '',
    `${e.hint}`,
    '',
    timelineTable(e.timeline),
    e.details.logs ? `\n**Last log lines of the new container**\n\n\`\`\`\n${e.details.logs}\n\`\`\`` : '',
    probeList(e.details.probes ?? []),
  ].join('\n') + '\n';
}
