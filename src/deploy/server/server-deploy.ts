// One server's part of a deploy, phase by phase as docs/architecture.md numbers them. The
// orchestrator calls the phases in stages across servers; each room (lock, prepare, switch,
// bake, retire) works on this server's ServerContext, times its phases on this server's
// timeline and fails with a DeployError that carries its hint.
import type { Release } from '../history.js';
import type { DeployError, DeployRun, PhaseRecord } from '../run.js';
import { bake } from './bake.js';
import { ServerContext, type Server } from './context.js';
import { acquireLock, releaseLock } from './lock.js';
import { discardNew, inspectAndPull, releasePhase, startAndCheck } from './prepare.js';
import { recordFailure } from './record.js';
import { retire } from './retire.js';
import type { ServerResult } from './server-result.js';
import { switchBack, switchTo } from './switch.js';

export type { Checkpoint } from './checkpoints.js';
export { Stopped, type Server } from './context.js';
export type { ServerResult } from './server-result.js';

/** What the orchestrator drives on one server; what each step does is in its room. */
export class ServerDeploy {
  private readonly ctx: ServerContext;

  constructor(run: DeployRun, server: Server) {
    this.ctx = new ServerContext(run, server);
  }

  get name(): string {
    return this.ctx.name;
  }

  get timeline(): PhaseRecord[] {
    return this.ctx.timeline;
  }

  /** The key may name the new container: it may serve, and is never discarded blindly. */
  get switched(): boolean {
    return this.ctx.switched;
  }

  /** nginx was proven to serve the new container: another server's failure switches this one back. */
  get proven(): boolean {
    return this.ctx.proven;
  }

  /** The connection went away: nothing more can be done or recorded here. */
  get lost(): boolean {
    return this.ctx.lost;
  }

  /** What was pulled here: the image, its digest, and whether that is only a local image id (no registry digest). */
  get pulledImage(): { image: string; digest: string; local: boolean } | undefined {
    const { pulled } = this.ctx;
    return (
      pulled && {
        image: pulled.image,
        digest: pulled.identity.digest,
        local: pulled.identity.digest === pulled.identity.id,
      }
    );
  }

  /** What a rollback goes back to here, once inspected. */
  get rollbackRelease(): Release | undefined {
    return this.ctx.inspection?.target?.release;
  }

  acquireLock = (): Promise<void> => acquireLock(this.ctx);
  unlock = (): Promise<void> => releaseLock(this.ctx);
  inspectAndPull = (): Promise<void> => inspectAndPull(this.ctx);
  releasePhase = (): Promise<void> => releasePhase(this.ctx);
  startAndCheck = (): Promise<void> => startAndCheck(this.ctx);
  switchTo = (): Promise<void> => switchTo(this.ctx);
  bake = (): Promise<void> => bake(this.ctx);
  switchBack = (): Promise<void> => switchBack(this.ctx);
  retire = (): Promise<ServerResult> => retire(this.ctx);
  recordFailure = (e: DeployError): Promise<void> => recordFailure(this.ctx, e);
  discardNew = (): Promise<void> => discardNew(this.ctx);
}
