/** @jsxImportSource hono/jsx */
import { type Context, Hono } from "hono";
import type { Source } from "../../../../src/api-types.js";
import { formatBytes } from "../../../../src/format.js";
import { forbidden, invalid } from "../../../domain-error.js";
import { uploadReader } from "../../../files/upload.js";
import { ConfirmDelete } from "../../components/confirm-delete.js";
import { Checkbox, Form, Input, TextArea } from "../../components/form.js";
import type { WebDeps, WebEnv } from "../../env.js";
import { redirectWithFlash } from "../../flash.js";
import { FormState, readForm } from "../../forms.js";
import { PathCrumbs } from "./crumbs.js";
import { baseName, editorLanguage, encodedFilePath, normalizeDir, parentDir, textOf, uploadPath } from "./file-paths.js";
import { refusalAt } from "./refusals.js";
import { fileUrl, newFileUrl, sourceUrl } from "./urls.js";

/** Larger files are offered for download instead of being put into a page. */
const SHOWN_MAX_BYTES = 1024 * 1024;

const CREATE_FIELDS = ["path", "content"] as const;
const UPLOAD_FIELDS = ["path", "file"] as const;

/** A page that writes files: git sources get an explanation instead (their writes are refused by the file service anyway). */
async function editableSource(deps: WebDeps, id: string): Promise<Source> {
  const source = await deps.sources.get(id);
  if (!deps.sources.kind(source).editable) {
    throw forbidden(`Source '${source.name}' is a ${source.type} source: its files are read-only here and change with each sync`);
  }
  return source;
}

/** The `?path=` of a file page; the file service refuses a missing or malformed one with the API's message. */
const pathParam = (c: Context) => c.req.query("path") ?? "";

/** A file's content for a page, with a reason when it is not shown (binary, or too large for a page). */
async function readForPage(deps: WebDeps, source: Source, path: string) {
  const file = await deps.files.read(source.id, encodedFilePath(path));
  const text = file.bytes.length > SHOWN_MAX_BYTES ? undefined : textOf(file.bytes);
  const reason =
    text !== undefined
      ? undefined
      : file.bytes.length > SHOWN_MAX_BYTES
        ? `It is too large to show here (${formatBytes(file.bytes.length)}).`
        : `It is not text (${file.contentType}, ${formatBytes(file.bytes.length)}).`;
  return { ...file, text, reason };
}

const NotShown = ({ source, path, reason }: { source: Source; path: string; reason: string }) => (
  <p class="empty-state">
    {reason} <a href={fileUrl(source.id, "download", path)}>Download it</a>
  </p>
);

const NewFileForms = ({ source, create, upload }: { source: Source; create: FormState; upload: FormState }) => (
  <>
    <PathCrumbs source={source} />
    <section>
      <h2>Create a file</h2>
      <Form action={newFileUrl(source.id)} form={create} submitLabel="Create file" cancelHref={sourceUrl(source.id)}>
        <input type="hidden" name="mode" value="create" />
        <Input
          form={create}
          id="create-path"
          name="path"
          label="Path"
          placeholder="hello.ts"
          hint="Relative to the source, such as hello.ts or lib/util.ts; folders are created as needed."
          autocomplete="off"
        />
        <TextArea form={create} id="create-content" name="content" label="Content" rows={14} editor="typescript" />
      </Form>
    </section>
    <section>
      <h2>Upload a file</h2>
      <Form action={newFileUrl(source.id)} form={upload} submitLabel="Upload" multipart>
        <input type="hidden" name="mode" value="upload" />
        <label for="upload-file">File</label>
        <input
          id="upload-file"
          type="file"
          name="file"
          aria-invalid={upload.error("file") ? "true" : undefined}
          aria-describedby={upload.error("file") ? "upload-file-help" : undefined}
        />
        {upload.error("file") && (
          <small id="upload-file-help" class="field-error">
            {upload.error("file")}
          </small>
        )}
        <Input
          form={upload}
          id="upload-path"
          name="path"
          label="Path (optional)"
          hint="Empty: the file's own name. A folder ending in / (lib/) keeps the name."
          autocomplete="off"
        />
        <Checkbox form={upload} id="upload-overwrite" name="overwrite" label="Replace a file that exists at this path" />
      </Form>
    </section>
  </>
);

/** /web/code/sources/:id/files/upload, /view, /edit, /delete and /download, for the file `?path=`. */
export function filePages(deps: WebDeps) {
  const app = new Hono<WebEnv>();

  const renderNew = (c: Context<WebEnv>, source: Source, forms: { create?: FormState; upload?: FormState }) =>
    c.render(<NewFileForms source={source} create={forms.create ?? new FormState()} upload={forms.upload ?? new FormState()} />, {
      title: `New file in ${source.name}`,
      scripts: ["editor.js"],
    });

  app.get("/:id/files/upload", async (c) => {
    const source = await editableSource(deps, c.req.param("id"));
    const dir = normalizeDir(c.req.query("dir"));
    const start = new FormState(dir === "" ? {} : { path: `${dir}/` });
    return renderNew(c, source, { create: start, upload: start });
  });

  // Both forms post here, under the file size limit (app.ts), and write through the file service like PUT/POST /api/sources/:id/files/*.
  app.post("/:id/files/upload", async (c) => {
    const source = await deps.sources.get(c.req.param("id"));
    const values = await readForm(c);
    const form = new FormState(values);
    const uploading = form.value("mode") === "upload";
    try {
      if (!uploading) {
        const written = await deps.files.write(source.id, encodedFilePath(form.value("path")), true, async () =>
          Buffer.from(form.value("content"), "utf8"),
        );
        return redirectWithFlash(c, fileUrl(source.id, "edit", written.path), `Created ${written.path}.`);
      }
      const file = (await c.req.parseBody()).file;
      if (!(file instanceof File) || file.name === "") throw invalid("Choose a file to upload");
      const path = uploadPath(form.value("path"), file.name);
      const replace = form.value("overwrite") === "on";
      const written = await deps.files.write(source.id, encodedFilePath(path), !replace, uploadReader(c));
      return redirectWithFlash(
        c,
        sourceUrl(source.id, parentDir(written.path)),
        `${written.created ? "Uploaded" : "Replaced"} ${written.path}.`,
      );
    } catch (error) {
      const { status, errors } = refusalAt(error, uploading ? UPLOAD_FIELDS : CREATE_FIELDS, "path");
      c.status(status);
      return renderNew(c, source, { [uploading ? "upload" : "create"]: new FormState(values, errors) });
    }
  });

  app.get("/:id/files/view", async (c) => {
    const source = await deps.sources.get(c.req.param("id"));
    const file = await readForPage(deps, source, pathParam(c));
    const editable = deps.sources.kind(source).editable;
    return c.render(
      <>
        <PathCrumbs source={source} path={file.path} />
        <p class="muted">
          {file.contentType}, {formatBytes(file.bytes.length)}
        </p>
        {file.text !== undefined ? (
          <pre class="file-content">
            <code>{file.text}</code>
          </pre>
        ) : (
          <NotShown source={source} path={file.path} reason={file.reason ?? ""} />
        )}
      </>,
      {
        title: baseName(file.path),
        actions: (
          <>
            {editable && file.text !== undefined && (
              // biome-ignore lint/a11y/useSemanticElements: Pico draws role=button links as buttons; it navigates, so it stays a link.
              <a href={fileUrl(source.id, "edit", file.path)} role="button">
                Edit
              </a>
            )}
            {/* biome-ignore lint/a11y/useSemanticElements: Pico draws role=button links as buttons; it navigates, so it stays a link. */}
            <a href={fileUrl(source.id, "download", file.path)} role="button" class="secondary outline">
              Download
            </a>
            {editable && (
              // biome-ignore lint/a11y/useSemanticElements: Pico draws role=button links as buttons; it navigates, so it stays a link.
              <a href={fileUrl(source.id, "delete", file.path)} role="button" class="secondary outline">
                Delete
              </a>
            )}
          </>
        ),
      },
    );
  });

  const renderEditor = (c: Context<WebEnv>, source: Source, path: string, form: FormState) =>
    c.render(
      <>
        <PathCrumbs source={source} path={path} />
        <Form action={fileUrl(source.id, "edit", path)} form={form} submitLabel="Save" cancelHref={fileUrl(source.id, "view", path)}>
          <TextArea form={form} name="content" label={`Content of ${path}`} rows={24} editor={editorLanguage(path)} />
        </Form>
      </>,
      { title: `Edit ${baseName(path)}`, scripts: ["editor.js"] },
    );

  app.get("/:id/files/edit", async (c) => {
    const source = await editableSource(deps, c.req.param("id"));
    const file = await readForPage(deps, source, pathParam(c));
    if (file.text === undefined) {
      return c.render(
        <>
          <PathCrumbs source={source} path={file.path} />
          <NotShown source={source} path={file.path} reason={`${file.reason} Upload a new version instead.`} />
        </>,
        { title: `Edit ${baseName(file.path)}` },
      );
    }
    return renderEditor(c, source, file.path, new FormState({ content: file.text }));
  });

  // Under the file size limit too (app.ts); replaces the file like PUT /api/sources/:id/files/*.
  app.post("/:id/files/edit", async (c) => {
    const source = await deps.sources.get(c.req.param("id"));
    const path = pathParam(c);
    const values = await readForm(c);
    const form = new FormState(values);
    try {
      const written = await deps.files.write(source.id, encodedFilePath(path), false, async () =>
        Buffer.from(form.value("content"), "utf8"),
      );
      return redirectWithFlash(c, fileUrl(source.id, "edit", written.path), `Saved ${written.path}.`);
    } catch (error) {
      const { status, errors } = refusalAt(error, ["content"], "content");
      c.status(status);
      return renderEditor(c, source, path, new FormState(values, errors));
    }
  });

  app.get("/:id/files/delete", async (c) => {
    const source = await editableSource(deps, c.req.param("id"));
    const file = await deps.files.read(source.id, encodedFilePath(pathParam(c)));
    return c.render(
      <>
        <PathCrumbs source={source} path={file.path} />
        <ConfirmDelete
          subject={`file "${file.path}"`}
          action={fileUrl(source.id, "delete", file.path)}
          cancelHref={fileUrl(source.id, "view", file.path)}
          consequences="Functions whose handler it is answer 404 until it is back."
        />
      </>,
      { title: `Delete ${baseName(file.path)}` },
    );
  });

  app.post("/:id/files/delete", async (c) => {
    const source = await deps.sources.get(c.req.param("id"));
    const { path } = await deps.files.delete(source.id, encodedFilePath(pathParam(c)));
    return redirectWithFlash(c, sourceUrl(source.id, parentDir(path)), `Deleted ${path}.`);
  });

  // An attachment, never shown inline: an uploaded .html or .svg must not run as a page of this origin.
  app.get("/:id/files/download", async (c) => {
    const source = await deps.sources.get(c.req.param("id"));
    const file = await deps.files.read(source.id, encodedFilePath(pathParam(c)));
    const { buffer, byteOffset, length } = file.bytes;
    return c.body(new Uint8Array(buffer as ArrayBuffer, byteOffset, length), 200, {
      "Content-Type": file.contentType,
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent(baseName(file.path))}`,
    });
  });

  return app;
}
