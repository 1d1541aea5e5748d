/** @jsxImportSource hono/jsx */
import type { Source } from "../../../../src/api-types.js";
import { CODE_URL, sourceUrl } from "./urls.js";

/**
 * Code › source › folders › the file or folder `path` names, as text (the current page): the
 * way back up from any page about a source's files.
 */
export const PathCrumbs = ({ source, path = "" }: { source: Source; path?: string }) => {
  const parts = path === "" ? [] : path.split("/");
  const links = [
    { label: source.name, href: sourceUrl(source.id) },
    ...parts.map((part, index) => ({ label: part, href: sourceUrl(source.id, parts.slice(0, index + 1).join("/")) })),
  ];
  return (
    <nav aria-label="breadcrumb" class="path-crumbs">
      <ul>
        <li>
          <a href={CODE_URL}>Code</a>
        </li>
        {links.map((link, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: rendered once, on the server; a path's parts never move.
          <li key={index}>
            {index === links.length - 1 ? <span aria-current="page">{link.label}</span> : <a href={link.href}>{link.label}</a>}
          </li>
        ))}
      </ul>
    </nav>
  );
};
