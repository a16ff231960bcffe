// @actions/http-client imports undici at its top only for ProxyAgent, which it builds in
// getAgentDispatcher() (a fetch dispatcher for @actions/github). @actions/core needs
// http-client only for getIDToken, and docker-hot-deploy calls neither. Bundled, the
// real undici is a megabyte that every step evaluated at start-up (about 40 ms of a
// 300 ms start): docs/architecture.md, "Start-up". Upstream: actions/toolkit#1697.
export class ProxyAgent {
  constructor() {
    throw new Error('docker-hot-deploy is bundled without undici: @actions/http-client cannot make a proxy dispatcher');
  }
}
