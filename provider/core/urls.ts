/**
 * Webhook urls as the API may give them back: compared after normalisation, and shown without
 * what they may hide. Pure, no I/O.
 */

/** The url as a WHATWG URL serialises it (host lower-cased, default port dropped, `/` for an empty path), or undefined when it does not parse. */
function normalised(url: string): string | undefined {
  return URL.canParse(url) ? new URL(url).href : undefined;
}

/**
 * True when two webhook urls name the same endpoint: equal once both are serialised as a
 * WHATWG URL is (the API may store `https://Hooks.Example.com:443` as
 * `https://hooks.example.com/`). A url that does not parse equals only the same string. A
 * trailing slash on a non-empty path is a different path and stays different.
 */
export function sameWebhookUrl(a: string, b: string): boolean {
  if (a === b) return true;
  const left = normalised(a);
  return left !== undefined && left === normalised(b);
}

/**
 * True when the url has a query, where tokens go. (A `user:password@` never gets this far: the
 * url check refuses it; a token in the path cannot be told from a path.)
 */
export function hasQuery(url: string): boolean {
  return URL.canParse(url) && new URL(url).search !== "";
}

/**
 * The url for display: origin and path, `?…` in place of a query (which may hold a token), no
 * `user:password@` and no fragment. A url that does not parse is shown as `(an unreadable url)`.
 */
export function displayUrl(url: string): string {
  if (!URL.canParse(url)) return "(an unreadable url)";
  const u = new URL(url);
  return `${u.origin}${u.pathname}${u.search ? "?…" : ""}`;
}
