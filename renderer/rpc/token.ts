/**
 * The headless server's access token. It arrives once in the URL the server printed
 * (`…/#token=…`); we keep it in sessionStorage so a reload of this tab (whose hash is now a
 * route like `#/nodes`) still works, while a second tab opened from the printed URL carries
 * the token in its own hash.
 */
const TOKEN_KEY = 'rackpilot.token';

/** Reads the token from the hash (saving it) or from this tab's sessionStorage. */
export function takeToken(): string | null {
  const fromHash = new URLSearchParams(window.location.hash.replace(/^#/, '')).get('token');
  if (fromHash) {
    try {
      sessionStorage.setItem(TOKEN_KEY, fromHash);
    } catch {
      // Storage can be disabled; the token still works for this page load.
    }
    // Swap the token for a route so it is not left in the address bar or in screenshots.
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/nodes`);
    return fromHash;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function forgetToken(): void {
  try {
    sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing to forget
  }
}
