/** @jsxImportSource hono/jsx */
import type { Child, PropsWithChildren } from "hono/jsx";
import { useRequestContext } from "hono/jsx-renderer";
import type { User } from "../../src/api-types.js";
import { CsrfField } from "./components/form.js";
import type { WebEnv } from "./env.js";
import { type Flash, takeFlash } from "./flash.js";
import { type AssetName, assetUrl } from "./static-assets.js";

/** The second argument of `c.render(content, props)` on every /web page. */
export interface PageProps {
  /** The <title> and the page's <h1>. */
  title: string;
  /** Links or buttons beside the <h1>, e.g. a "New function" link. */
  actions?: Child;
  /** Scripts this page needs besides app.js, e.g. ["editor.js"]. */
  scripts?: AssetName[];
}

declare module "hono" {
  interface ContextRenderer {
    // biome-ignore lint/style/useShorthandFunctionType: this augments Hono's interface, it must stay one.
    (content: string | Promise<string>, props: PageProps): Response | Promise<Response>;
  }
}

const NAV: readonly { href: string; label: string }[] = [
  { href: "/web", label: "Dashboard" },
  { href: "/web/code", label: "Code" },
  { href: "/web/functions", label: "Functions" },
  { href: "/web/keys", label: "Keys" },
  { href: "/web/secrets", label: "Secrets" },
  { href: "/web/users", label: "Users" },
  { href: "/web/settings", label: "Settings" },
  { href: "/web/query", label: "Query" },
];

/** The nav entry a path belongs to: the dashboard only for /web itself, the others for their whole subtree. */
const isCurrent = (href: string, path: string) => path === href || (href !== "/web" && path.startsWith(`${href}/`));

const Brand = ({ name }: { name: string }) => (
  <ul>
    <li>
      <a href="/web" class="brand">
        {name}
      </a>
    </li>
  </ul>
);

const SiteNav = ({ user, path, name }: { user: User; path: string; name: string }) => (
  <header class="container">
    <nav class="site-nav" aria-label="Main">
      <Brand name={name} />
      <ul>
        {NAV.map((item) => (
          <li key={item.href}>
            <a href={item.href} aria-current={isCurrent(item.href, path) ? "page" : undefined}>
              {item.label}
            </a>
          </li>
        ))}
      </ul>
      <ul>
        <li>
          <a href="/web/password" aria-current={path === "/web/password" ? "page" : undefined} title={`Signed in as ${user.email}`}>
            Password
          </a>
        </li>
        <li>
          <form method="post" action="/web/logout" class="inline-form">
            <CsrfField />
            <button type="submit" class="link-button">
              Sign out
            </button>
          </form>
        </li>
      </ul>
    </nav>
  </header>
);

const PublicHeader = ({ name }: { name: string }) => (
  <header class="container public-page">
    <nav aria-label="Main">
      <Brand name={name} />
    </nav>
  </header>
);

const FlashMessage = ({ flash }: { flash: Flash }) => (
  <p class={`flash flash-${flash.kind}`} role={flash.kind === "error" ? "alert" : "status"}>
    {flash.message}
  </p>
);

/** The page shell: head, nav (when signed in), the flash message of the last action, title and content. */
export const Layout = ({ children, title, actions, scripts = [] }: PropsWithChildren<PageProps>) => {
  const c = useRequestContext<WebEnv>();
  const user = c.get("user");
  const flash = takeFlash(c);
  const name = c.get("serverName");
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{`${title} · ${name}`}</title>
        <link rel="icon" href="/favicon.ico" type="image/svg+xml" />
        <link rel="stylesheet" href={assetUrl("pico.min.css")} />
        <link rel="stylesheet" href={assetUrl("app.css")} />
        <script type="module" src={assetUrl("app.js")} />
        {scripts.map((name) => (
          <script key={name} type="module" src={assetUrl(name)} />
        ))}
      </head>
      <body>
        {user ? <SiteNav user={user} path={c.req.path} name={name} /> : <PublicHeader name={name} />}
        <main class={user ? "container" : "container public-page"}>
          {flash && <FlashMessage flash={flash} />}
          <div class="page-heading">
            <h1>{title}</h1>
            {actions && <div class="page-actions">{actions}</div>}
          </div>
          {children}
        </main>
      </body>
    </html>
  );
};
