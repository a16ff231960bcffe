import type { BakeReport } from '../bake-rules.js';
import type { Release } from '../history.js';
import type { ServerTimeline } from '../run.js';
import type { ProbeResult } from '../../remote/probe-result.js';

/** One server's result of a deploy that went through. */
export interface ServerResult extends ServerTimeline {
  container: string;
  containerId: string;
  port: number;
  previousPort?: number;
  previousContainer?: string;
  /** What now serves (for a rollback, the release rolled back to) and what served before. */
  image: string;
  previousImage?: string;
  imageDigest: string;
  switchSeconds: number;
  probes: ProbeResult[];
  /** The deployment's last releases on this server, newest first, this one included. */
  releases: Release[];
  /** What the bake saw (none: bake-time 0s, or nothing served before). */
  bake?: BakeReport;
}
