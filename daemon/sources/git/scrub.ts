/** What replaces a credential in text that leaves the sync. */
const HIDDEN = "***";

/** The user name:password pair hosted git takes a token as (spec: user = token, password = x-oauth-basic). */
export function basicCredentials(token: string): string {
  return Buffer.from(`${token}:x-oauth-basic`).toString("base64");
}

/**
 * Removes a token from output of git or npm before it reaches lastSyncError or the daemon's
 * log: the token itself, in URL encoding and in base64 (alone and as the Basic credentials
 * sent), any Authorization header, and credentials written into a URL.
 */
export function scrub(text: string, token: string | undefined): string {
  let clean = text.replace(/(authorization:\s*)[^\r\n]*/gi, `$1${HIDDEN}`).replace(/(\/\/)[^/@\s]+@/g, `$1${HIDDEN}@`);
  if (token) {
    const forms = [token, encodeURIComponent(token), basicCredentials(token), Buffer.from(token).toString("base64")];
    // Longest first, so no form is left half-replaced by a shorter one it contains.
    for (const form of forms.sort((a, b) => b.length - a.length)) clean = clean.split(form).join(HIDDEN);
  }
  return clean;
}
