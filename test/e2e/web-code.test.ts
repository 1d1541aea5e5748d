import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Source, SourceFile, SourceFileBody, SourceFilesListBody, SourcesListBody } from "../../src/api-types.js";
import { ApiError } from "../../src/errors.js";
import {
  csrfTokenOf,
  editorText,
  fieldError,
  flash,
  heading,
  locationOf,
  openPage,
  PHONE,
  screenshot,
  scrollWidth,
  submitForm,
  webPerFile,
} from "../helpers/chromium.js";
import type { TestDaemon } from "../helpers/daemon.js";
import { startGitRemote } from "../helpers/git-remote.js";
import { idle, servesCommit, textHandler } from "../helpers/git-sources.js";
import { updateSettings } from "../helpers/run.js";

const web = webPerFile();
const { visit } = web;
let t: TestDaemon;
beforeAll(() => {
  t = web.t;
});

const sourceNames = async () => (await t.socket.get<SourcesListBody>("/api/sources")).sources.map((source) => source.name);
const manualSource = (name: string) => t.socket.post<Source>("/api/sources", { body: { name, type: "manual" } });
const filesOf = async (id: string): Promise<string[]> =>
  (await t.socket.get<SourceFilesListBody>(`/api/sources/${id}/files`)).files.map((file: SourceFile) => file.path);
const contentOf = async (id: string, path: string) =>
  (await t.socket.get<SourceFileBody>(`/api/sources/${id}/files/${encodeURIComponent(path)}`)).content;
const putFile = (id: string, path: string, content: string) =>
  t.socket.put(`/api/sources/${id}/files/${encodeURIComponent(path)}`, { body: { content } });

describe("code sources", () => {
  it("creates a manual source through the form, refusing empty, invalid and duplicate names with the API's messages", async () => {
    const page = await visit("/web/code");
    expect(await page.locator(".empty-state").textContent()).toBe("No code sources yet — create one");
    await page.getByRole("button", { name: "New source" }).click();
    await page.getByRole("button", { name: "New manual source" }).click();
    expect(locationOf(page)).toBe("/web/code/sources/new/manual");

    expect((await submitForm(page, "Create source")).status()).toBe(400);
    expect(await fieldError(page, "name")).toBe("Missing required field: name");
    await page.getByLabel("Name").fill("my app!");
    expect((await submitForm(page, "Create source")).status()).toBe(400);
    expect(await fieldError(page, "name")).toBe(
      "Source name must be 1-64 chars, alphanumeric with hyphens/underscores, starting with alphanumeric",
    );
    expect(await page.getByLabel("Name").inputValue()).toBe("my app!");
    expect(await page.getByLabel("Name").getAttribute("aria-invalid")).toBe("true");
    expect(await sourceNames()).toEqual([]);

    await page.getByLabel("Name").fill("app");
    expect((await submitForm(page, "Create source")).status()).toBe(303);
    const [app] = (await t.socket.get<SourcesListBody>("/api/sources")).sources;
    expect(locationOf(page)).toBe(`/web/code/sources/${app?.id}`);
    expect(await flash(page)).toBe("Created source 'app'.");
    expect(await heading(page)).toBe("app");
    expect(await page.locator(".empty-state").textContent()).toBe("No files yet — create or upload one");
    expect(existsSync(join(t.dataDir, "code", "app"))).toBe(true);

    await page.goto(`${t.managementUrl}/web/code/sources/new/manual`);
    await page.getByLabel("Name").fill("app");
    expect((await submitForm(page, "Create source")).status()).toBe(409);
    expect(await fieldError(page, "name")).toBe("Code source 'app' already exists");
    expect(await page.getByLabel("Name").inputValue()).toBe("app");
    expect(await sourceNames()).toEqual(["app"]);

    await page.goto(`${t.managementUrl}/web/code`);
    expect(await page.locator("table tbody tr").allInnerTexts()).toEqual([expect.stringMatching(/^app\tmanual\tyes\tManual/)]);
    expect(page.problems).toEqual([]);
  });

  it("creates hello.ts in the CodeMirror editor, re-opens and edits it, and refuses bad paths keeping what was typed", async () => {
    const source = await manualSource("editor-demo");
    const page = await visit(`/web/code/sources/${source.id}`);
    await page.getByRole("button", { name: "New file" }).click();
    expect(locationOf(page)).toBe(`/web/code/sources/${source.id}/files/upload`);

    const handler = 'export default (c) => c.text("hello from the editor");';
    const path = page.locator("#create-path");
    /** Replaces the editor's text by typing. Clearing first: typing over a selection of highlighted tokens makes Chromium insert a styled span, which the CSP refuses (harmlessly: CodeMirror redraws the line). */
    const typeInEditor = async (text: string) => {
      await page.locator(".cm-content").click();
      await page.keyboard.press("Control+a");
      await page.keyboard.press("Backspace");
      await page.keyboard.type(text);
    };
    const typeHandler = () => typeInEditor(handler);
    for (const [typed, message] of [
      ["../x.ts", "Path escapes base directory"],
      ["/etc/x.ts", "Invalid path format"],
      ["", "Missing file path"],
    ] as const) {
      await path.fill(typed);
      await typeHandler();
      expect((await submitForm(page, "Create file")).status()).toBe(400);
      expect(await fieldError(page, { id: "create-path" })).toBe(message);
      expect(await path.inputValue()).toBe(typed);
      // The editor comes back with what was typed in it.
      expect(await editorText(page)).toBe(handler);
    }
    expect(await filesOf(source.id)).toEqual([]);

    await path.fill("hello.ts");
    expect((await submitForm(page, "Create file")).status()).toBe(303);
    expect(locationOf(page)).toBe(`/web/code/sources/${source.id}/files/edit?path=hello.ts`);
    expect(await flash(page)).toBe("Created hello.ts.");
    expect(await contentOf(source.id, "hello.ts")).toBe(handler);
    expect(await editorText(page)).toBe(handler);
    // Highlighted as TypeScript: tokens of their own.
    expect(await page.locator(".cm-line span").count()).toBeGreaterThan(3);
    await screenshot(page, "editor");

    const edited = "export default (c) => c.json({ edited: true });";
    await typeInEditor(edited);
    await page.keyboard.press("Enter");
    await page.keyboard.type("// two lines");
    expect((await submitForm(page, "Save")).status()).toBe(303);
    expect(await flash(page)).toBe("Saved hello.ts.");
    // Line breaks arrive as the browser sends them (CRLF) and are stored as LF.
    expect(await contentOf(source.id, "hello.ts")).toBe(`${edited}\n// two lines`);
    await page.goto(`${t.managementUrl}/web/code/sources/${source.id}/files/edit?path=hello.ts`);
    expect(await editorText(page)).toBe(`${edited}\n// two lines`);

    // Creating never overwrites.
    await page.goto(`${t.managementUrl}/web/code/sources/${source.id}/files/upload`);
    await path.fill("hello.ts");
    await typeHandler();
    expect((await submitForm(page, "Create file")).status()).toBe(409);
    expect(await fieldError(page, { id: "create-path" })).toBe("File already exists");
    expect(await contentOf(source.id, "hello.ts")).toBe(`${edited}\n// two lines`);
    expect(page.problems).toEqual([]);
  });

  it("uploads files into folders, lists, views, downloads and deletes them, showing names and contents as text", async () => {
    const source = await manualSource("uploads");
    const page = await visit(`/web/code/sources/${source.id}/files/upload`);
    const xss = '</code></pre><script>alert(1)</script><img src=x onerror="alert(2)">';
    const upload = async (name: string, content: string | Buffer, target = "", replace = false) => {
      await page.locator("#upload-file").setInputFiles({ name, mimeType: "application/octet-stream", buffer: Buffer.from(content) });
      await page.locator("#upload-path").fill(target);
      await page.locator("#upload-overwrite").setChecked(replace);
      return (await submitForm(page, "Upload")).status();
    };

    expect((await submitForm(page, "Upload")).status()).toBe(400);
    expect(await fieldError(page, { id: "upload-file" })).toBe("Choose a file to upload");
    expect(await upload("util.ts", xss, "lib/")).toBe(303);
    expect(locationOf(page)).toBe(`/web/code/sources/${source.id}?dir=lib`);
    expect(await flash(page)).toBe("Uploaded lib/util.ts.");
    expect(await contentOf(source.id, "lib/util.ts")).toBe(xss);

    await page.goto(`${t.managementUrl}/web/code/sources/${source.id}/files/upload`);
    expect(await upload("util.ts", "second", "lib/util.ts")).toBe(409);
    expect(await fieldError(page, { id: "upload-path" })).toBe("File already exists");
    expect(await page.locator("#upload-path").inputValue()).toBe("lib/util.ts");
    expect(await upload("util.ts", "export const x = 1;\n", "lib/../../x.ts")).toBe(400);
    expect(await fieldError(page, { id: "upload-path" })).toBe("Path escapes base directory");
    expect(await upload("whatever.ts", xss, "lib/util.ts", true)).toBe(303);
    expect(await flash(page)).toBe("Replaced lib/util.ts.");
    await page.goto(`${t.managementUrl}/web/code/sources/${source.id}/files/upload`);
    const xssName = "<img src=x onerror=alert(3)>.txt";
    expect(await upload(xssName, "plain")).toBe(303);
    await page.goto(`${t.managementUrl}/web/code/sources/${source.id}/files/upload`);
    expect(await upload("logo.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1]))).toBe(303);
    expect((await filesOf(source.id)).sort()).toEqual([xssName, "lib/util.ts", "logo.png"].sort());

    // The top shows the folder with what it holds, and the files as text.
    await page.goto(`${t.managementUrl}/web/code/sources/${source.id}`);
    const rows = await page.locator("table tbody tr").allInnerTexts();
    expect(rows.map((row) => row.split("\t").slice(0, 2))).toEqual([
      ["lib/", `${xss.length} B in 1 file`],
      [xssName, "5 B"],
      ["logo.png", "6 B"],
    ]);
    // A known binary type offers no editor.
    expect(await page.locator("table tbody tr", { hasText: "logo.png" }).getByRole("link").allTextContents()).toEqual([
      "logo.png",
      "Download",
      "Delete",
    ]);
    await page.getByRole("link", { name: "lib/" }).click();
    await page.getByRole("link", { name: "util.ts" }).click();
    expect(locationOf(page)).toBe(`/web/code/sources/${source.id}/files/view?path=lib%2Futil.ts`);
    expect(await page.locator("pre.file-content").textContent()).toBe(xss);
    expect(await page.locator("main script, main img").count()).toBe(0);

    const download = await page.request.get(`${t.managementUrl}/web/code/sources/${source.id}/files/download?path=lib%2Futil.ts`);
    expect(download.headers()["content-disposition"]).toBe("attachment; filename*=UTF-8''util.ts");
    expect(await download.text()).toBe(xss);
    await page.goto(`${t.managementUrl}/web/code/sources/${source.id}/files/view?path=logo.png`);
    expect(await page.locator(".empty-state").textContent()).toBe("It is not text (image/png, 6 B). Download it");
    await page.goto(`${t.managementUrl}/web/code/sources/${source.id}/files/view?path=..%2Foutside.ts`);
    expect(await page.locator(".error-page").textContent()).toContain("Path escapes base directory");

    await page.goto(`${t.managementUrl}/web/code/sources/${source.id}/files/view?path=lib%2Futil.ts`);
    await page.getByRole("button", { name: "Delete" }).click();
    expect(await page.locator(".confirm-delete strong").textContent()).toBe('Delete file "lib/util.ts"?');
    expect((await submitForm(page, "Delete")).status()).toBe(303);
    expect(locationOf(page)).toBe(`/web/code/sources/${source.id}?dir=lib`);
    expect(await flash(page)).toBe("Deleted lib/util.ts.");
    expect(await page.locator(".empty-state").textContent()).toBe("No files in lib — back to the top");
    expect((await filesOf(source.id)).sort()).toEqual([xssName, "logo.png"].sort());
    expect(page.problems).toEqual([]);
  });

  it("refuses a file above files.max-size-bytes, changing nothing", async () => {
    const source = await manualSource("limits");
    await updateSettings(t, { "files.max-size-bytes": "1024" });
    try {
      const page = await visit(`/web/code/sources/${source.id}/files/upload`);
      await page.locator("#upload-file").setInputFiles({ name: "big.txt", mimeType: "text/plain", buffer: Buffer.alloc(4096, "a") });
      expect((await submitForm(page, "Upload")).status()).toBe(413);
      expect(await page.locator(".error-page").textContent()).toMatch(/File size \d+ exceeds maximum 1024 bytes/);
      await page.goto(`${t.managementUrl}/web/code/sources/${source.id}/files/upload`);
      await page.locator("#create-path").fill("big.ts");
      await page.locator(".cm-content").click();
      await page.keyboard.insertText("x".repeat(2048));
      expect((await submitForm(page, "Create file")).status()).toBe(413);
      expect(await filesOf(source.id)).toEqual([]);
      expect(page.problems).toEqual([]);
    } finally {
      await updateSettings(t, { "files.max-size-bytes": "52428800" });
    }
  });

  it("edits a manual source's enabled flag, and deletes a source and its directory after confirmation", async () => {
    const source = await manualSource("doomed");
    await putFile(source.id, "a.ts", "export default () => new Response('a')");
    const page = await visit(`/web/code/sources/${source.id}`);
    await page.getByRole("button", { name: "Edit source" }).click();
    expect(await page.getByRole("switch", { name: "Enabled" }).isChecked()).toBe(true);
    expect(await page.locator("main").textContent()).toContain("The name (doomed) and the type (manual) of a source are fixed.");
    await page.getByRole("switch", { name: "Enabled" }).uncheck();
    expect((await submitForm(page, "Save")).status()).toBe(303);
    expect(await flash(page)).toBe("Saved 'doomed'.");
    expect((await t.socket.get<Source>(`/api/sources/${source.id}`)).enabled).toBe(false);

    await page.getByRole("button", { name: "Delete source" }).click();
    expect(await page.locator(".confirm-delete").textContent()).toContain("Its directory and the 1 file in it are deleted.");
    await page.getByRole("button", { name: "Cancel" }).click();
    expect(locationOf(page)).toBe(`/web/code/sources/${source.id}`);
    await page.getByRole("button", { name: "Delete source" }).click();
    expect((await submitForm(page, "Delete")).status()).toBe(303);
    expect(locationOf(page)).toBe("/web/code");
    expect(await flash(page)).toBe("Deleted source 'doomed' and its files.");
    await expect(t.socket.get(`/api/sources/${source.id}`)).rejects.toSatisfy((error) => error instanceof ApiError && error.status === 404);
    expect(existsSync(join(t.dataDir, "code", "doomed"))).toBe(false);
    await page.goto(`${t.managementUrl}/web/code/sources/${source.id}`);
    expect(await page.locator(".error-page").textContent()).toContain("Source not found");
    expect(page.problems).toEqual([]);
  });

  it("creates a git source in the form, shows its sync and files read-only, syncs a pushed commit, and keeps the token through an edit", async () => {
    const token = "tok-e2e-0123456789abcdef";
    const remote = await startGitRemote({ token });
    const { commit: first } = await remote.createRepo("site", { "hello.ts": textHandler("v1") });
    const page = await visit("/web/code/sources/new/git");

    await page.getByLabel("Name").fill("site");
    await page.getByLabel("Repository URL").fill("git@github.com:me/site.git");
    expect((await submitForm(page, "Create source")).status()).toBe(400);
    expect(await fieldError(page, "url")).toMatch(/^SSH URLs are not supported\./);
    expect(await page.getByLabel("Repository URL").inputValue()).toBe("git@github.com:me/site.git");
    await page.getByLabel("Repository URL").fill(remote.url("site"));
    await page.getByLabel("Branch").fill("main");
    await page.getByLabel("Tag").fill("v1");
    expect((await submitForm(page, "Create source")).status()).toBe(400);
    expect(await fieldError(page, "branch")).toBe("Git source: only one of branch, tag, or commit can be specified");
    expect(await page.getByLabel("Tag").inputValue()).toBe("v1");
    await page.getByLabel("Tag").fill("");
    await page.getByLabel("Sync interval (seconds)").fill("-5");
    expect((await submitForm(page, "Create source")).status()).toBe(400);
    expect(await fieldError(page, "intervalSeconds")).toBe("syncSettings.intervalSeconds must be a non-negative number");
    expect(await sourceNames()).not.toContain("site");

    await page.getByLabel("Sync interval (seconds)").fill("");
    await page.getByLabel("Access token").fill(token);
    expect((await submitForm(page, "Create source")).status()).toBe(303);
    expect(await flash(page)).toBe("Created git source 'site'; its first sync has started.");
    const source = (await t.socket.get<SourcesListBody>("/api/sources")).sources.find((s) => s.name === "site") as Source;
    // sync-status.js reloads the page once the first sync has ended.
    await page.getByRole("link", { name: "hello.ts" }).waitFor({ timeout: 30_000 });
    expect(await page.locator(".source-facts").textContent()).toMatch(new RegExp(`Synced (just now|[\\dsm ]+ ago): ${first.slice(0, 7)}`));
    expect((await servesCommit(t, source.id, first)).lastSyncError).toBeNull();
    const html = await page.content();
    expect(html).not.toContain(token);
    expect(await page.locator(".source-facts").textContent()).toContain("Access tokenset (hidden)");
    // Read-only: no way to write offered, and the file service refuses a forged write.
    for (const name of ["New file", "Edit", "Delete"])
      expect(await page.getByRole("main").getByText(name, { exact: true }).count()).toBe(0);
    const upload = await page.request.get(`${t.managementUrl}/web/code/sources/${source.id}/files/upload`);
    expect(upload.status()).toBe(403);
    const csrf = await csrfTokenOf(page.context());
    const forged = await page.request.post(`${t.managementUrl}/web/code/sources/${source.id}/files/upload`, {
      form: { _csrf: csrf, mode: "create", path: "x.ts", content: "x" },
    });
    expect(forged.status()).toBe(403);
    expect(await forged.text()).toContain("Source &#39;site&#39; (type: git) is not editable");
    await page.getByRole("link", { name: "hello.ts" }).click();
    expect(await page.locator("pre.file-content").textContent()).toBe(textHandler("v1"));
    expect(await page.getByRole("main").getByText("Edit", { exact: true }).count()).toBe(0);

    const { commit: second } = await remote.push("site", { "hello.ts": textHandler("v2"), "extra.ts": textHandler("extra") });
    await page.goto(`${t.managementUrl}/web/code/sources/${source.id}`);
    expect((await submitForm(page, "Sync now")).status()).toBe(303);
    expect(await flash(page)).toBe("Sync started.");
    await page.getByRole("link", { name: "extra.ts" }).waitFor({ timeout: 30_000 });
    expect(await page.locator(".source-facts").textContent()).toContain(second.slice(0, 7));
    // The checkout's .git directory is part of the file listing (spec), shown as one folder.
    expect((await page.locator("table tbody tr").allInnerTexts()).map((row) => row.split("\t")[0])).toEqual([
      ".git/",
      "extra.ts",
      "hello.ts",
    ]);
    await screenshot(page, "source");

    // Edit: a refusal keeps what was typed; the token, left empty, is kept.
    await page.getByRole("button", { name: "Edit source" }).click();
    expect(await page.getByLabel("Repository URL").inputValue()).toBe(remote.url("site"));
    expect(await page.getByLabel("Access token").inputValue()).toBe("");
    expect(await page.locator("#field-authToken-help").textContent()).toMatch(/^A token is set/);
    await page.getByLabel("Sync interval (seconds)").fill("soon");
    expect((await submitForm(page, "Save")).status()).toBe(400);
    expect(await fieldError(page, "intervalSeconds")).toBe("syncSettings.intervalSeconds must be a non-negative number");
    expect(await page.getByLabel("Sync interval (seconds)").inputValue()).toBe("soon");
    expect((await t.socket.get<Source>(`/api/sources/${source.id}`)).syncSettings).toEqual({ webhookEnabled: false });
    await page.getByLabel("Sync interval (seconds)").fill("3600");
    await page.getByRole("switch", { name: /^Webhook/ }).check();
    expect((await submitForm(page, "Save")).status()).toBe(303);
    expect(await flash(page)).toBe("Saved 'site'.");
    const saved = await t.socket.get<Source>(`/api/sources/${source.id}`);
    expect(saved.syncSettings).toEqual({ intervalSeconds: 3600, webhookEnabled: true });
    expect(saved.typeSettings.authToken).toBe("***REDACTED***");
    expect(await page.locator(".source-facts").textContent()).toContain(`/api/sources/${source.id}/webhook`);
    // The kept token still opens the repository.
    const { commit: third } = await remote.push("site", { "hello.ts": textHandler("v3") });
    await idle(t, source.id);
    expect((await submitForm(page, "Sync now")).status()).toBe(303);
    expect((await servesCommit(t, source.id, third)).lastSyncError).toBeNull();

    await page.goto(`${t.managementUrl}/web/code`);
    expect(await page.locator("table tbody tr", { hasText: "site" }).textContent()).toContain(remote.url("site"));
    await screenshot(page, "code");
    expect(page.problems).toEqual([]);
  });

  it("fits a 360 px wide screen: lists, a source's files and the editor", async () => {
    const source = await manualSource("narrow-screen-with-a-long-name");
    await putFile(source.id, "a/very/deeply/nested/folder/with/a-long-file-name-that-goes-on-and-on.ts", "export default 1;");
    await putFile(source.id, "index.ts", `export default (c) => c.text("${"wide ".repeat(40)}");`);
    const page = await openPage(web.browser, PHONE, web.session);
    for (const path of [
      "/web/code",
      `/web/code/sources/${source.id}`,
      `/web/code/sources/${source.id}?dir=a%2Fvery%2Fdeeply%2Fnested%2Ffolder%2Fwith`,
      `/web/code/sources/${source.id}/files/view?path=index.ts`,
      `/web/code/sources/${source.id}/files/edit?path=index.ts`,
      "/web/code/sources/new/git",
    ]) {
      await page.goto(`${t.managementUrl}${path}`);
      expect([path, await scrollWidth(page)]).toEqual([path, PHONE.width]);
    }
    expect(page.problems).toEqual([]);
  });
});
