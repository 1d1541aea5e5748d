/** The CSRF cookie's value: readable by the page's scripts by design, never by another site. */
export function csrfToken(): string {
  for (const part of document.cookie.split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === "csrf_token") return decodeURIComponent(value.join("="));
  }
  return "";
}

/** fetch for the web UI's own endpoints: with the CSRF header, and asking for JSON (errors come back as `{"error"}`). */
export function csrfFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("X-CSRF-Token", csrfToken());
  if (!headers.has("Accept")) headers.set("Accept", "application/json");
  return fetch(url, { credentials: "same-origin", ...init, headers });
}
