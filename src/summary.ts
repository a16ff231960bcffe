// The job summary a user reads after a deploy: pure markdown from the result.
import type { DeployResult } from './deploy.js';
import type { DeployError, PhaseRecord, StageRecord } from './deploy-run.js';
import type { Release } from './history.js';
import type { ProbeResult } from './probe.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function timelineTable(timeline: PhaseRecord[]): string {
  const rows = timeline.map((p) => `| ${p.ok ? '✅' : '❌'} ${p.phase} | ${seconds(p.ms)} | ${cell(p.detail)} |`);
  return ['| phase | duration | detail |', '| --- | ---: | --- |', ...rows].join('\n');
}

function stageTable(stages: StageRecord[]): string {
  const rows = stages.map((s) => `| ${s.ok ? '✅' : '❌'} ${s.stage} | ${seconds(s.ms)} | ${cell(s.detail)} |`);
  return ['**Stages across the servers**', '', '| stage | duration | detail |', '| --- | ---: | --- |', ...rows].join('\n');
}

function probeList(probes: ProbeResult[]): string {
  const lines = probes.map((p) => `- ${p.error ? `error: ${cell(p.error)}` : `${p.status}, upstream ${p.upstream ?? '(no header)'}`}`);
  return `**Last probes through nginx**\n\n${lines.join('\n')}`;
}

/** Sections separated by blank lines; absent ones leave no trace. */
const sections = (...parts: Array<string | false>): string => `${parts.filter(Boolean).join('\n\n')}\n`;

export function successSummary(image: string, r: DeployResult): string {
  const several = r.servers.length > 1;
  const serverRows = r.servers.map((x) => {
    const from = x.previousContainer ? `${x.previousContainer} (:${x.previousPort})` : x.previousPort ? `:${x.previousPort}` : '(nothing)';
    return several
      ? `| ${x.server} | ${from} → **${x.container}** (:${x.port}) | ${x.switchSeconds.toFixed(3)} s |`
      : [`| container | ${from} → **${x.container}** (:${x.port}) |`, `| image digest | \`${x.imageDigest}\` |`, `| switch (key write → proven) | ${x.switchSeconds.toFixed(3)} s |`, `| deploy | ${r.durationSeconds.toFixed(2)} s |`].join('\n');
  });
  return sections(
    `## docker-hot-deploy: ${image} is live${several ? ` on ${r.servers.length} servers` : ''}`,
    several
      ? [`Image digest \`${r.imageDigest}\`, deploy ${r.durationSeconds.toFixed(2)} s.`, '', '| server | container | switch (key write → proven) |', '| --- | --- | ---: |', ...serverRows].join('\n')
      : ['| | |', '| --- | --- |', ...serverRows].join('\n'),
    several && stageTable(r.stages),
    ...r.servers.map((x) => (several ? `**${x.server}**\n\n${timelineTable(x.timeline)}` : timelineTable(x.timeline))),
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
  const several = e.servers.length > 1;
  return sections(
    `## docker-hot-deploy: ${image} was not deployed`,
    `${e.server ? `On **${e.server}**, ` : ''}**${e.phase}** failed: ${cell(e.reason)}`,
    several && (e.oldServes ? 'All or nothing: no server serves the new version; every server that had switched was switched back.' : 'Some servers could not be switched back: see the hint.'),
    e.hint,
    several && stageTable(e.stages),
    ...(several ? e.servers.map((x) => `**${x.server}**${x.switched ? ' (may serve the new version)' : ''}\n\n${timelineTable(x.timeline)}`) : [timelineTable(e.timeline)]),
    Boolean(e.details.logs) && `**Last log lines of the new container**\n\n\`\`\`\n${e.details.logs}\n\`\`\``,
    (e.details.probes ?? []).length > 0 && probeList(e.details.probes ?? []),
  );
}
