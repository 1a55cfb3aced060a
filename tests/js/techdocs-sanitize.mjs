// Sanitize built HTML pages as Backstage TechDocs does before it shows them, so that the tests
// see what a TechDocs reader sees.
//
// The configuration follows TechDocs' HTML sanitizer (the `useSanitizerTransformer` of
// plugins/techdocs/src/reader/transformers/html/transformer.ts and its hooks in the backstage
// repository), with no `techdocs.sanitizer` options set by the app:
//   - DOMPurify with ADD_TAGS [link, meta], FORBID_TAGS [style],
//     ADD_ATTR [http-equiv, content, dominant-baseline], WHOLE_DOCUMENT,
//     and the URI protocols DOMPurify allows by default;
//   - before each element: a <link> survives only when its href is Material's main stylesheet
//     (main.<8 hex>.min.css) or Google Fonts;
//   - a <meta> survives only as a refresh redirect (http-equiv="refresh" with "url=");
//   - http-equiv and content attributes survive on <meta> elements only.
//
// Usage: node techdocs-sanitize.mjs IN_DIR OUT_DIR
// Every .html file of IN_DIR is written sanitized to the same path under OUT_DIR; other files
// are copied as they are.
import fs from "node:fs";
import path from "node:path";
import createDOMPurify from "dompurify";
import { JSDOM, VirtualConsole } from "jsdom";

const KEPT_STYLESHEETS = [/main\.[A-Fa-f0-9]{8}\.min\.css$/, /^https:\/\/fonts\.googleapis\.com/, /^https:\/\/fonts\.gstatic\.com/];
const PROTOCOLS = ["callto", "cid", "ftp", "ftps", "http", "https", "mailto", "matrix", "sms", "tel", "xmpp"];
const URI = new RegExp(`^(?:${PROTOCOLS.join("|")}:|[^a-z]|[a-z+.-]+(?:[^a-z+.\\-:]|$))`, "i");

function sanitizer() {
  const purify = createDOMPurify(new JSDOM("").window);
  purify.addHook("beforeSanitizeElements", (node) => {
    if (node.nodeName === "LINK") {
      const href = node.getAttribute("href") || "";
      if (!KEPT_STYLESHEETS.some((pattern) => pattern.test(href))) node.remove();
    }
    return node;
  });
  purify.addHook("uponSanitizeElement", (node, data) => {
    if (node.nodeType !== 1 || data.tagName !== "meta") return;
    const refresh = node.getAttribute("http-equiv") === "refresh" && (node.getAttribute("content") || "").includes("url=");
    if (!refresh) node.parentNode?.removeChild(node);
  });
  purify.addHook("uponSanitizeAttribute", (node, data) => {
    if (node.tagName !== "META" && (data.attrName === "http-equiv" || data.attrName === "content")) {
      node.removeAttribute(data.attrName);
    }
  });
  return (html) => {
    const dom = new JSDOM(html, { virtualConsole: new VirtualConsole() });  // its CSS parser knows no @page boxes: quiet
    const clean = purify.sanitize(dom.window.document.documentElement.outerHTML, {
      ADD_TAGS: ["link", "meta"],
      FORBID_TAGS: ["style"],
      ADD_ATTR: ["http-equiv", "content", "dominant-baseline"],
      WHOLE_DOCUMENT: true,
      RETURN_DOM: true,
      ALLOWED_URI_REGEXP: URI,
    });
    // TechDocs shows the page inside its UTF-8 app; the sanitized file says so with a byte-order
    // mark, since the sanitizer keeps no <meta charset>.
    return "\ufeff<!DOCTYPE html>\n" + clean.outerHTML;
  };
}

function* walk(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* walk(full);
    else if (entry.isFile()) yield full;
  }
}

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error("usage: node techdocs-sanitize.mjs IN_DIR OUT_DIR");
  process.exit(2);
}
const sanitize = sanitizer();
let pages = 0;
for (const file of walk(input)) {
  const target = path.join(output, path.relative(input, file));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (file.endsWith(".html")) {
    fs.writeFileSync(target, sanitize(fs.readFileSync(file, "utf8")));
    pages += 1;
  } else {
    fs.copyFileSync(file, target);
  }
}
console.log(`${pages} pages sanitized`);
