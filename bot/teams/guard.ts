/**
 * What developer mode (no MicrosoftAppId) may accept. Without an app id the SDK authenticates
 * nothing: anyone who can reach /api/messages could claim to be any Teams user (and approve a
 * plan as them), and choose the `serviceUrl` the bot then POSTs its replies to. So developer mode
 * is held to what it is for — the Bot Framework Emulator or a test on this machine: the request
 * must come from a loopback address, and replies may only go to a loopback service URL or the
 * configured TEAMS_SERVICE_URL. With an app id the SDK checks the token and its serviceUrl claim.
 */

/** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback (::ffff:127.x.x.x). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.toLowerCase();
  if (a === '::1') return true;
  const v4 = a.startsWith('::ffff:') ? a.slice('::ffff:'.length) : a;
  return /^127(?:\.\d{1,3}){3}$/.test(v4);
}

/** True when the URL's host is a loopback name or address. */
function loopbackUrl(url: URL): boolean {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || isLoopback(host);
}

/** Why developer mode refuses this request, or null when it may go on. */
export function developerModeRefusal(remoteAddress: string | undefined, serviceUrl: string, configuredServiceUrl?: string): string | null {
  if (!isLoopback(remoteAddress)) {
    return 'developer mode (MicrosoftAppId unset) takes requests from this machine only; set MicrosoftAppId and MicrosoftAppPassword to serve Teams';
  }
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return 'serviceUrl is not a URL';
  }
  const configured = URL.canParse(configuredServiceUrl ?? '') ? new URL(configuredServiceUrl!) : undefined;
  if (loopbackUrl(url) || (configured && url.origin === configured.origin)) return null;
  return 'developer mode replies only to a loopback serviceUrl or TEAMS_SERVICE_URL';
}
