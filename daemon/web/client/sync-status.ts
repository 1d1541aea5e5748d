/**
 * /static/sync-status.js, on the code pages: while a git source syncs, its status element carries
 * `data-sync-status="<GET /api/sources/:id/status>"`; once that answers `isSyncing: false` the
 * page reloads and shows the new files and commit. Without JavaScript, reloading does the same.
 */
import { csrfFetch } from "./csrf-fetch.js";

const POLL_MS = 1000;
/** A sync that runs longer than this is left to a manual reload. */
const MAX_POLLS = 900;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function reloadWhenIdle(urls: string[]): Promise<void> {
  for (let poll = 0; poll < MAX_POLLS; poll++) {
    await sleep(POLL_MS);
    for (const url of urls) {
      const response = await csrfFetch(url).catch(() => undefined);
      // Signed out, deleted, daemon gone: the page stays as it is.
      if (!response?.ok) return;
      const status = (await response.json()) as { isSyncing?: boolean };
      if (status.isSyncing === false) {
        window.location.reload();
        return;
      }
    }
  }
}

const urls = [...document.querySelectorAll<HTMLElement>("[data-sync-status]")].map((element) => element.dataset.syncStatus ?? "");
if (urls.length > 0) void reloadWhenIdle([...new Set(urls)].filter((url) => url !== ""));
