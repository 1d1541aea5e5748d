/** @jsxImportSource hono/jsx */
import { type Context, Hono } from "hono";
import type { Child } from "hono/jsx";
import { RequestContext } from "hono/jsx-renderer";
import { describe, expect, it } from "vitest";
import { invalid, notFound } from "../../daemon/domain-error.js";
import { HttpError } from "../../daemon/http/errors.js";
import { Chart, niceMax } from "../../daemon/web/components/chart.js";
import { ConfirmDelete } from "../../daemon/web/components/confirm-delete.js";
import { Checkbox, CheckboxGroup, Form, Input, Select, TextArea } from "../../daemon/web/components/form.js";
import { MaskedValue } from "../../daemon/web/components/masked-value.js";
import { EmptyState, Table } from "../../daemon/web/components/table.js";
import { ToggleForm } from "../../daemon/web/components/toggle.js";
import { FormState, type FormValues, readForm, refusal } from "../../daemon/web/forms.js";

const XSS = `<script>alert(1)</script>"><img src=x onerror=alert(2)>`;
const ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;";
const html = async (node: unknown) => String(await node);
/** Forms read the request's CSRF token from the request context, as on a page. */
const request = { get: () => "csrf-token" } as unknown as Context;
const inRequest = (node: Child) => html(<RequestContext.Provider value={request}>{node}</RequestContext.Provider>);

describe("web components", () => {
  it("escape text and attributes: user data never becomes markup", async () => {
    const table = await html(
      <Table
        columns={[{ label: "Name", cell: (row: { name: string }) => <a href={`/web/functions/${row.name}`}>{row.name}</a> }]}
        rows={[{ name: XSS }]}
        empty=""
      />,
    );
    expect(table).toContain(`>${ESCAPED}</a>`);
    expect(table).toContain(`href="/web/functions/${ESCAPED}"`);
    expect(table).not.toMatch(/<script|<img/);
    const confirm = await inRequest(<ConfirmDelete subject={`function "${XSS}"`} action="/web/x" cancelHref="/web" />);
    expect(confirm).toContain(`Delete function &quot;${ESCAPED}&quot;?`);
    expect(confirm).toContain('<input type="hidden" name="_csrf" value="csrf-token"/>');
    expect(confirm).not.toMatch(/<script|<img/);
    const chart = await html(<Chart kind="line" title={XSS} points={[{ label: XSS, value: 1 }]} />);
    expect(chart).not.toMatch(/<script|<img/);
  });

  it("the masked value holds only the mask; the reveal URL is a data attribute", async () => {
    const markup = await html(<MaskedValue masked="••••••abc123" revealUrl="/web/keys/k1/reveal" label="API key ci" />);
    expect(markup).toContain('data-reveal="/web/keys/k1/reveal"');
    expect(markup).toContain('data-copy="/web/keys/k1/reveal"');
    expect(markup).toContain(">••••••abc123</code>");
  });

  it("tables show the empty state instead of an empty table", async () => {
    const empty = await html(
      <Table
        columns={[]}
        rows={[]}
        empty={<EmptyState message="No functions yet" action={{ href: "/web/functions/create", label: "create one" }} />}
      />,
    );
    expect(empty).toBe('<p class="empty-state">No functions yet — <a href="/web/functions/create">create one</a></p>');
  });

  it("charts draw one bar per point on a round y scale, with the values in the tooltips", async () => {
    const chart = await html(
      <Chart
        kind="bar"
        title="Requests"
        points={[
          { label: "13:00", value: 3 },
          { label: "14:00", value: 17 },
        ]}
      />,
    );
    expect(chart.match(/<rect class="chart-bar"/g)).toHaveLength(2);
    expect(chart).toContain("<title>14:00: 17</title>");
    expect([...chart.matchAll(/class="chart-label"[^>]*>([^<]*)</g)].map((match) => match[1])).toEqual(["0", "10", "20", "13:00", "14:00"]);
    expect(await html(<Chart kind="line" title="Empty" points={[]} />)).toContain("No data");
    expect([0, 0.3, 1, 7, 17, 20, 21, 240, 1001].map(niceMax)).toEqual([1, 0.5, 1, 10, 20, 20, 25, 250, 2000]);
  });
});

describe("form fields", () => {
  it("label their control, keep the submitted value (never a password) and describe it with its error or hint", async () => {
    const form = new FormState({ name: XSS, password: "secret-1" }, { fields: { name: "Name taken" } });
    const markup = await inRequest(
      <Form action="/web/x" form={form} submitLabel="Save" cancelHref="/web">
        <Input form={form} name="name" label="Name" hint="Shown in lists" />
        <Input form={form} name="password" label="Password" type="password" hint="At least 8 characters." />
      </Form>,
    );
    expect(markup).toContain('<input type="hidden" name="_csrf" value="csrf-token"/>');
    expect(markup).toContain('<label for="field-name">Name</label>');
    expect(markup).toContain(`value="${ESCAPED}" aria-invalid="true" aria-describedby="field-name-help"`);
    expect(markup).toContain('<small id="field-name-help" class="field-error">Name taken</small>');
    expect(markup).not.toContain("secret-1");
    expect(markup).toContain('<small id="field-password-help">At least 8 characters.</small>');
    expect(markup).not.toMatch(/<script|<img/);
  });

  it("mark the chosen option, the ticked boxes and an editor's language", async () => {
    const form = new FormState({ method: "POST", keys: ["a", "c"], enabled: "on", code: "export default 1;" });
    const markup = await inRequest(
      <>
        <Select form={form} name="method" label="Method" options={["GET", { value: "POST", label: "Post" }]} />
        <CheckboxGroup form={form} name="keys" label="Key groups" options={["a", "b", "c"]} />
        <Checkbox form={form} name="enabled" label="Enabled" switch />
        <TextArea form={form} name="code" label="Code" editor="typescript" />
        <ToggleForm action="/web/functions/f1/enabled" name="enabled" checked={false} label="Enable hello" />
      </>,
    );
    expect(markup).toContain('<option value="GET">GET</option><option value="POST" selected="">Post</option>');
    expect(markup.match(/type="checkbox" name="keys" value="\w" checked=""/g)).toHaveLength(2);
    expect(markup).toContain('role="switch" checked=""');
    expect(markup).toContain('data-editor="typescript" spellcheck="false">export default 1;</textarea>');
    expect(markup).toContain('<input type="checkbox" role="switch" name="enabled" aria-label="Enable hello" data-auto-submit="true"/>');
  });
});

describe("web forms", () => {
  it("read text fields, lists for repeated names, LF line breaks, and never the CSRF field", async () => {
    const app = new Hono().post("/", async (c) => c.json(await readForm(c)));
    const body = new URLSearchParams([
      ["_csrf", "token"],
      ["name", "hello"],
      ["methods", "GET"],
      ["methods", "POST"],
      ["code", "a\r\nb\r\n"],
    ]);
    const response = await app.request("/", { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(await response.json()).toEqual({ name: "hello", methods: ["GET", "POST"], code: "a\nb\n" } satisfies FormValues);
  });

  it("put a refusal next to the field it names, else above the form; faults are not refusals", () => {
    const fields = ["email", "passwordConfirmation", "password"];
    expect(refusal(invalid("Invalid email format"), fields)).toEqual({
      status: 400,
      errors: { fields: { email: "Invalid email format" } },
    });
    expect(refusal(invalid("Missing required field: passwordConfirmation"), fields).errors).toEqual({
      fields: { passwordConfirmation: "Missing required field: passwordConfirmation" },
    });
    expect(refusal(invalid("Passwords do not match"), fields).errors).toEqual({ fields: { password: "Passwords do not match" } });
    expect(refusal(notFound("Function not found"), fields)).toEqual({ status: 404, errors: { form: "Function not found" } });
    expect(refusal(new HttpError(413, "Request body too large"), fields).status).toBe(413);
    const fault = new TypeError("x is undefined");
    expect(() => refusal(fault, fields)).toThrow(fault);
  });

  it("keep what was typed: values, lists and errors by field name", () => {
    const form = new FormState({ name: "hello", methods: ["GET", "POST"], keys: "" }, { fields: { name: "Taken" } });
    expect([form.value("name"), form.value("methods"), form.value("missing")]).toEqual(["hello", "GET", ""]);
    expect([form.list("methods"), form.list("name"), form.list("keys")]).toEqual([["GET", "POST"], ["hello"], []]);
    expect([form.error("name"), form.error("methods")]).toEqual(["Taken", undefined]);
  });
});
