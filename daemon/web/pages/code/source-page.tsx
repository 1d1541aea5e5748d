/** @jsxImportSource hono/jsx */
import { Hono } from "hono";
import type { Source, SourceStatusBody } from "../../../../src/api-types.js";
import { formatBytes, plural } from "../../../../src/format.js";
import { CsrfField } from "../../components/form.js";
import { type Column, EmptyState, Table } from "../../components/table.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { redirectWithFlash } from "../../flash.js";
import { PathCrumbs } from "./crumbs.js";
import { type DirectoryListing, listDirectory, mayBeText, normalizeDir } from "./file-paths.js";
import { gitTarget } from "./source-settings.js";
import { SyncStatus, TimeAgo } from "./sync-status.js";
import { fileUrl, newFileUrl, sourceActionUrl, sourceUrl } from "./urls.js";

type Entry = { folder: DirectoryListing["folders"][number] } | { file: DirectoryListing["files"][number] };

function entryColumns(source: Source, editable: boolean): Column<Entry>[] {
  return [
    {
      label: "Name",
      cell: (entry) =>
        "folder" in entry ? (
          <a href={sourceUrl(source.id, entry.folder.path)} class="folder-link">{`${entry.folder.name}/`}</a>
        ) : (
          <a href={fileUrl(source.id, "view", entry.file.path)}>{entry.file.name}</a>
        ),
    },
    {
      label: "Size",
      cell: (entry) =>
        "folder" in entry ? `${formatBytes(entry.folder.size)} in ${plural(entry.folder.files, "file")}` : formatBytes(entry.file.size),
    },
    { label: "Modified", cell: (entry) => ("file" in entry ? <TimeAgo iso={entry.file.mtime} /> : "") },
    {
      label: "Actions",
      cell: (entry) =>
        "file" in entry && (
          <span class="row-actions">
            {editable && mayBeText(entry.file.path) && <a href={fileUrl(source.id, "edit", entry.file.path)}>Edit</a>}
            <a href={fileUrl(source.id, "download", entry.file.path)}>Download</a>
            {editable && <a href={fileUrl(source.id, "delete", entry.file.path)}>Delete</a>}
          </span>
        ),
    },
  ];
}

const secretState = (value: unknown) => (value === undefined ? "none" : "set (hidden)");

/** What the source is and, for a git source, what it checks out and how it syncs. */
const SourceFacts = ({ source, status, webhookUrl }: { source: Source; status: SourceStatusBody; webhookUrl: string }) => (
  <dl class="facts source-facts">
    <dt>Type</dt>
    <dd>{source.type === "git" ? "git (read-only here: its files change with each sync)" : "manual"}</dd>
    <dt>Handler paths</dt>
    <dd>
      <code>{`${source.name}/…`}</code>
    </dd>
    {source.type === "git" && (
      <>
        <dt>Repository</dt>
        <dd>
          <code>{String(source.typeSettings.url ?? "")}</code> ({gitTarget(source)})
        </dd>
        <dt>Access token</dt>
        <dd>{secretState(source.typeSettings.authToken)}</dd>
        <dt>Sync</dt>
        <dd>
          <SyncStatus source={source} status={status} />
        </dd>
        <dt>Enabled</dt>
        <dd>{source.enabled ? "yes" : "no: interval and webhook syncs are paused"}</dd>
        <dt>Interval</dt>
        <dd>{source.syncSettings.intervalSeconds ? `every ${source.syncSettings.intervalSeconds} s` : "off"}</dd>
        <dt>Webhook</dt>
        <dd>
          {source.syncSettings.webhookEnabled ? (
            <>
              <code>POST {webhookUrl}</code>, secret {secretState(source.syncSettings.webhookSecret)}
            </>
          ) : (
            "off"
          )}
        </dd>
      </>
    )}
  </dl>
);

const SourceActions = ({ source, editable, dir }: { source: Source; editable: boolean; dir: string }) => (
  <>
    {editable ? (
      // biome-ignore lint/a11y/useSemanticElements: Pico draws role=button links as buttons; it navigates, so it stays a link.
      <a href={newFileUrl(source.id, dir)} role="button">
        New file
      </a>
    ) : (
      <form method="post" action={sourceActionUrl(source.id, "sync")} class="inline-form">
        <CsrfField />
        <button type="submit">Sync now</button>
      </form>
    )}
    {/* biome-ignore lint/a11y/useSemanticElements: Pico draws role=button links as buttons; it navigates, so it stays a link. */}
    <a href={sourceActionUrl(source.id, "edit")} role="button" class="secondary outline">
      Edit source
    </a>
    {/* biome-ignore lint/a11y/useSemanticElements: Pico draws role=button links as buttons; it navigates, so it stays a link. */}
    <a href={sourceActionUrl(source.id, "delete")} role="button" class="secondary outline">
      Delete source
    </a>
  </>
);

function emptyFiles(source: Source, status: SourceStatusBody, editable: boolean, dir: string) {
  if (dir !== "") return <EmptyState message={`No files in ${dir}`} action={{ href: sourceUrl(source.id), label: "back to the top" }} />;
  if (editable) return <EmptyState message="No files yet" action={{ href: newFileUrl(source.id), label: "create or upload one" }} />;
  return <EmptyState message={status.isSyncing ? "No files yet: the sync is running" : "No files yet: sync the repository"} />;
}

/** /web/code/sources/:id: the source's facts and sync status, and its files a directory at a time (`?dir=`); POST …/sync. */
export function sourcePage(deps: WebDeps) {
  const app = new Hono<WebEnv>();

  app.get("/:id", async (c) => {
    const source = await deps.sources.get(c.req.param("id"));
    const dir = normalizeDir(c.req.query("dir"));
    const [status, files] = await Promise.all([deps.sources.status(source.id), deps.files.list(source.id)]);
    const editable = deps.sources.kind(source).editable;
    const listing = listDirectory(files, dir);
    const entries: Entry[] = [...listing.folders.map((folder) => ({ folder })), ...listing.files.map((file) => ({ file }))];
    const webhookUrl = `${new URL(c.req.url).origin}/api/sources/${encodeURIComponent(source.id)}/webhook`;
    return c.render(
      <>
        <PathCrumbs source={source} path={dir} />
        {dir === "" && <SourceFacts source={source} status={status} webhookUrl={webhookUrl} />}
        <h2>Files</h2>
        <Table columns={entryColumns(source, editable)} rows={entries} empty={emptyFiles(source, status, editable, dir)} />
      </>,
      { title: source.name, actions: <SourceActions source={source} editable={editable} dir={dir} />, scripts: ["sync-status.js"] },
    );
  });

  app.post("/:id/sync", async (c) => {
    const id = c.req.param("id");
    const jobId = await deps.sources.sync(id);
    if (jobId === null) return redirectWithFlash(c, sourceUrl(id), "A sync is already running.", "info");
    return redirectWithFlash(c, sourceUrl(id), "Sync started.");
  });

  return app;
}
