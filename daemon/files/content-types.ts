const TYPES: Record<string, string> = {};

function map(type: string, ...extensions: string[]): void {
  for (const extension of extensions) TYPES[extension] = type;
}

// The reference's table (spec: sources and files), by lower-cased extension.
map("text/typescript", ".ts", ".tsx", ".mts", ".cts");
map("text/javascript", ".js", ".jsx", ".mjs", ".cjs");
map("application/json", ".json", ".jsonc", ".prettierrc", ".eslintrc");
map("text/plain", ".txt", ".toml", ".sql", ".env", ".gitignore", ".dockerignore", ".editorconfig");
map("text/markdown", ".md");
map("text/html", ".html", ".htm");
map("text/css", ".css");
map("application/xml", ".xml");
map("text/yaml", ".yaml", ".yml");
map("text/csv", ".csv");
map("text/x-shellscript", ".sh");
for (const [extension, language] of Object.entries({
  ".py": "python",
  ".rb": "ruby",
  ".go": "go",
  ".rs": "rust",
  ".java": "java",
  ".kt": "kotlin",
  ".swift": "swift",
  ".c": "c",
  ".cpp": "c++",
  ".h": "c",
  ".hpp": "c++",
  ".php": "php",
  ".vue": "vue",
  ".svelte": "svelte",
})) {
  map(`text/x-${language}`, extension);
}
map("image/png", ".png");
map("image/jpeg", ".jpg", ".jpeg");
map("image/gif", ".gif");
map("image/webp", ".webp");
map("image/svg+xml", ".svg");
map("image/x-icon", ".ico");
map("image/bmp", ".bmp");
map("image/avif", ".avif");
map("audio/mpeg", ".mp3");
map("audio/wav", ".wav");
map("audio/ogg", ".ogg");
map("audio/flac", ".flac");
map("audio/aac", ".aac");
map("video/mp4", ".mp4");
map("video/webm", ".webm");
map("video/quicktime", ".mov");
map("video/x-msvideo", ".avi");
map("application/zip", ".zip");
map("application/x-tar", ".tar");
map("application/gzip", ".gz");
map("application/x-7z-compressed", ".7z");
map("application/vnd.rar", ".rar");
map("application/pdf", ".pdf");
map("font/woff", ".woff");
map("font/woff2", ".woff2");
map("font/ttf", ".ttf");
map("font/otf", ".otf");
map("application/wasm", ".wasm");

const DEFAULT_TYPE = "application/octet-stream";

/**
 * The type served for a file path. The extension is everything from the last dot of the
 * file name, so dot-files such as `.gitignore` and `.env` are typed by their whole name.
 */
export function contentTypeFor(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  return dot === -1 ? DEFAULT_TYPE : (TYPES[name.slice(dot).toLowerCase()] ?? DEFAULT_TYPE);
}

/** Types the JSON envelope returns as UTF-8 text; all others travel as base64. */
export function isTextType(type: string): boolean {
  return (
    type.startsWith("text/") ||
    type === "application/json" ||
    type === "application/xml" ||
    type === "application/javascript" ||
    type.endsWith("+json") ||
    type.endsWith("+xml")
  );
}
