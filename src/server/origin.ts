/**
 * Websocket Origin allowlist, with Bokeh's rules (`--allow-websocket-origin`):
 * entries are `host[:port]` (port 80 when omitted) and may use `*` wildcards.
 * Requests without an Origin header (non-browser clients) are not checked.
 */
export function originAllowed(origin: string, allowlist: readonly string[]): boolean {
  let host: string;
  try {
    host = new URL(origin).host.toLowerCase();
  } catch {
    return false;
  }
  const withPort = host.includes(":") ? host : `${host}:80`;
  return allowlist.some((entry) => {
    const pattern = entry.toLowerCase().includes(":") ? entry.toLowerCase() : `${entry.toLowerCase()}:80`;
    return wildcard(pattern).test(withPort);
  });
}

function wildcard(pattern: string): RegExp {
  const escaped = pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^:]*");
  return new RegExp(`^${escaped}$`);
}
