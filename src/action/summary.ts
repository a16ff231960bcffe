// The job summary a user reads after a deploy: pure markdown from the result.
import { bakeEvidence, percent, type BakeReport } from '../deploy/bake-rules.js';
import type { DeployResult } from '../deploy/orchestrator.js';
import type { ServerResult } from '../deploy/server/server-deploy.js';
import type { DeployError, PhaseRecord, StageRecord } from '../deploy/run.js';
import { containerLine, lockLine, nginxLine, type ServerStatus } from '../operate/day-two.js';
import { doctorSummary, type ServerDoctor, type Verdict } from '../operate/doctor-checks.js';
import type { Release } from '../deploy/history.js';
import type { ProbeResult } from '../remote/probe-result.js';

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** A table of phases or stages: whether each went through, its name, how long, what it did. */
function stepTable(
  heading: 'phase' | 'stage',
  steps: Array<{ ok: boolean; name: string; ms: number; detail: string }>,
): string {
  const rows = steps.map((x) => `| ${x.ok ? '✅' : '❌'} ${x.name} | ${seconds(x.ms)} | ${cell(x.detail)} |`);
  return [`| ${heading} | duration | detail |`, '| --- | ---: | --- |', ...rows].join('\n');
}

const timelineTable = (timeline: PhaseRecord[]): string =>
  stepTable(
    'phase',
    timeline.map((p) => ({ ...p, name: p.phase })),
  );
const stageTable = (stages: StageRecord[]): string =>
  `**Stages across the servers**\n\n${stepTable(
    'stage',
    stages.map((x) => ({ ...x, name: x.stage })),
  )}`;

function probeList(probes: ProbeResult[]): string {
  const lines = probes.map(
    (p) => `- ${p.error ? `error: ${cell(p.error)}` : `${p.status}, upstream ${p.upstream ?? '(no header)'}`}`,
  );
  return `**Last probes through nginx**\n\n${lines.join('\n')}`;
}

/** The bake, a row per server: what the new version answered while the previous one stayed warm. */
function bakeTable(results: Array<{ server: string; bake?: BakeReport }>, several: boolean): string | false {
  const baked = results.filter((x) => x.bake);
  if (baked.length === 0) return false;
  const n = (v: number | undefined): string => (v === undefined ? '' : `${v.toFixed(3)} s`);
  const rows = baked.map(({ server, bake }) => {
    const b = bake as BakeReport;
    const t = b.traffic;
    const traffic = t
      ? `${t.requests} | ${t.errors} (${percent(t.errors, t.requests).toFixed(1)}%) | ${n(t.p50)} / ${n(t.p99)}`
      : 'not watched | | ';
    return `| ${several ? `${server} | ` : ''}${b.passed ? '✅' : '❌'} ${b.seconds.toFixed(1)} s | ${traffic} | ${b.probes} (${b.probeFailures} failed) | ${b.restarts} |`;
  });
  const notWatched = baked.find((x) => !x.bake?.traffic)?.bake?.notWatched;
  return [
    '**Bake** (the new version under real traffic, the previous one kept running)',
    '',
    `| ${several ? 'server | ' : ''}bake | requests answered | 5xx | p50 / p99 | probes | restarts |`,
    `| ${several ? '--- | ' : ''}--- | ---: | ---: | --- | ---: | ---: |`,
    ...rows,
    ...(notWatched
      ? [
          '',
          `Real traffic was not watched (${cell(notWatched)}): set \`access-log\` to nginx's dhd_upstream log (README, "The bake").`,
        ]
      : []),
  ].join('\n');
}

/** Sections separated by blank lines; absent ones leave no trace. */
const sections = (...parts: Array<string | false>): string => `${parts.filter(Boolean).join('\n\n')}\n`;

const previously = (x: ServerResult): string =>
  x.previousContainer
    ? `${x.previousContainer} (:${x.previousPort})`
    : x.previousPort
      ? `:${x.previousPort}`
      : '(nothing)';

/** One server: what changed, the digest, the switch and the deploy, a row each. */
function overviewTable(r: DeployResult): string {
  return [
    '| | |',
    '| --- | --- |',
    `| container | ${previously(r)} → **${r.container}** (:${r.port}) |`,
    `| image digest | \`${r.imageDigest}\` |`,
    `| switch (key write → proven) | ${r.switchSeconds.toFixed(3)} s |`,
    `| deploy | ${r.durationSeconds.toFixed(2)} s |`,
  ].join('\n');
}

/** Several servers: the digest and the deploy once, then a row per server. */
function serversTable(r: DeployResult): string {
  const rows = r.servers.map(
    (x) => `| ${x.server} | ${previously(x)} → **${x.container}** (:${x.port}) | ${x.switchSeconds.toFixed(3)} s |`,
  );
  return [
    `Image digest \`${r.imageDigest}\`, deploy ${r.durationSeconds.toFixed(2)} s.`,
    '',
    '| server | container | switch (key write → proven) |',
    '| --- | --- | ---: |',
    ...rows,
  ].join('\n');
}

export function successSummary(image: string, r: DeployResult): string {
  const several = r.servers.length > 1;
  return sections(
    `## docker-hot-deploy: ${image} is live${several ? ` on ${r.servers.length} servers` : ''}`,
    several ? serversTable(r) : overviewTable(r),
    several && stageTable(r.stages),
    ...r.servers.map((x) => (several ? `**${x.server}**\n\n${timelineTable(x.timeline)}` : timelineTable(x.timeline))),
    bakeTable(r.servers, several),
    r.warnings.length > 0 && `**Warnings**\n\n${r.warnings.map((w) => `- ${cell(w)}`).join('\n')}`,
    r.probes.length > 0 && probeList(r.probes),
    r.releases.length > 0 && releaseTable(r.releases),
  );
}

function releaseTable(releases: Release[]): string {
  const rows = releases.map(
    (r) =>
      `| ${r.time.replace('T', ' ').slice(0, 19)} | ${r.outcome} | ${cell(r.image)} | ${r.digest ? `\`${r.digest.slice(0, 19)}\`` : ''} | ${r.container} |`,
  );
  return [
    '**Last releases of this deployment** (rollback: true goes back one)',
    '',
    '| time (UTC) | outcome | image | digest | container |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

export function failureSummary(image: string, e: DeployError): string {
  const several = e.servers.length > 1;
  return sections(
    `## docker-hot-deploy: ${image} was not deployed`,
    `${e.server ? `On **${e.server}**, ` : ''}**${e.phase}** failed: ${cell(e.reason)}`,
    several &&
      (e.oldServes
        ? 'All or nothing: no server serves the new version; every server that had switched was switched back.'
        : 'Some servers could not be switched back: see the hint.'),
    e.hint,
    e.details.bake !== undefined &&
      [bakeTable([{ server: e.server ?? '', bake: e.details.bake }], false), ...bakeEvidence(e.details.bake).map(cell)]
        .filter(Boolean)
        .join('\n\n'),
    several && stageTable(e.stages),
    ...(several
      ? e.servers.map(
          (x) => `**${x.server}**${x.switched ? ' (may serve the new version)' : ''}\n\n${timelineTable(x.timeline)}`,
        )
      : [timelineTable(e.timeline)]),
    Boolean(e.details.logs) && `**Last log lines of the new container**\n\n\`\`\`\n${e.details.logs}\n\`\`\``,
    (e.details.probes ?? []).length > 0 && probeList(e.details.probes ?? []),
  );
}

const VERDICT: Record<Verdict, string> = { pass: '✅', warn: '⚠️', fail: '❌' };

/** The doctor (command: doctor): a table of checks per server, each finding with its fix. */
export function doctorMarkdown(servers: ServerDoctor[]): string {
  const several = servers.length > 1;
  return sections(
    `## docker-hot-deploy doctor: ${cell(doctorSummary(servers))}`,
    ...servers.map((s) =>
      [
        ...(several ? [`**${cell(s.server)}**`, ''] : []),
        '| | check | finding | fix |',
        '| --- | --- | --- | --- |',
        ...s.checks.map(
          (c) =>
            `| ${VERDICT[c.verdict]} | ${c.check} | ${cell(c.detail)} | ${c.verdict === 'pass' ? '' : cell(c.fix ?? '')} |`,
        ),
      ].join('\n'),
    ),
  );
}

/** What each server runs (command: status): nginx, the key and the lock, its containers, its last releases. */
export function statusMarkdown(statuses: ServerStatus[], unread: Array<{ server: string; error: string }>): string {
  return sections(
    `## docker-hot-deploy status${statuses.length > 1 ? ` of ${statuses.length} servers` : ''}`,
    ...statuses.map((s) =>
      [
        `**${cell(s.server)}**`,
        '',
        '| | |',
        '| --- | --- |',
        `| nginx | ${cell(nginxLine(s))} |`,
        `| key | ${cell(s.key.name)} = ${s.key.value === null ? '(unset)' : cell(s.key.value)} |`,
        `| lock | ${s.locks.length === 0 ? 'free' : s.locks.map((l) => cell(lockLine(l))).join('<br>')} |`,
        ...(s.containers.length === 0
          ? []
          : ['', '| containers (● serving) |', '| --- |', ...s.containers.map((c) => `| ${cell(containerLine(c))} |`)]),
        ...s.findings.map((f) => `\n⚠️ ${cell(f)}`),
        ...(s.releases.length === 0 ? [] : ['', releaseTable(s.releases)]),
      ].join('\n'),
    ),
    unread.length > 0 && unread.map((u) => `❌ **${cell(u.server)}** could not be read: ${cell(u.error)}`).join('\n\n'),
  );
}
