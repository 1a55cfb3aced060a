// Open YAML files in yaml-language-server (the schema client of YAML editors such as VS Code's
// YAML extension) and print its diagnostics: one JSON object per file, {"file", "diagnostics"}.
//
//   node yaml-ls.mjs SCHEMA FILE...
//
// Each file is opened with the schema associated through the yaml.schemas setting, as an editor
// workspace configures it (a file's own modeline is pointed at the same schema), and its
// diagnostics are collected once the server publishes them.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import path from "node:path";

const require = createRequire(import.meta.url);
const server = require.resolve("yaml-language-server/bin/yaml-language-server");
const [schema, ...files] = process.argv.slice(2);
const schemaUri = pathToFileURL(path.resolve(schema)).href;
const child = spawn(process.execPath, [server, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });

let buffer = Buffer.alloc(0);
let nextId = 1;
const waiting = new Map();
const published = new Map();
function send(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }), "utf8");
  child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  child.stdin.write(body);
}
function request(method, params) {
  const id = nextId++;
  send({ id, method, params });
  return new Promise((resolve) => waiting.set(id, resolve));
}
child.stdout.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf("\r\n\r\n");
    if (end < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())[1]);
    if (buffer.length < end + 4 + length) return;
    const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString("utf8"));
    buffer = buffer.subarray(end + 4 + length);
    if (message.id !== undefined && waiting.has(message.id)) {
      waiting.get(message.id)(message.result);
      waiting.delete(message.id);
    } else if (message.method === "textDocument/publishDiagnostics") {
      published.set(message.params.uri, message.params.diagnostics);
    } else if (message.id !== undefined && message.method) {
      // configuration requests from the server: answer with the yaml settings
      const settings = { validate: true, schemas: { [schemaUri]: "*.yaml" }, schemaStore: { enable: false } };
      send({ id: message.id, result: (message.params.items || []).map((i) => (i.section === "yaml" ? settings : null)) });
    }
  }
});

const settings = { yaml: { validate: true, schemas: { [schemaUri]: "*.yaml" }, schemaStore: { enable: false }, format: { enable: false } } };
await request("initialize", { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } } });
send({ method: "initialized", params: {} });
send({ method: "workspace/didChangeConfiguration", params: { settings } });
const uris = files.map((f) => pathToFileURL(path.resolve(f)).href);
// A card's own hint (the first-line modeline) wins over settings: point it at SCHEMA too, so that
// every file is judged by the schema under test and nothing is fetched.
const hinted = (text) => text.replace(/^#\s*yaml-language-server:\s*\$schema=\S*/m, `# yaml-language-server: $schema=${schemaUri}`);
uris.forEach((uri, i) => send({ method: "textDocument/didOpen", params: { textDocument: { uri, languageId: "yaml", version: 1, text: hinted(readFileSync(files[i], "utf8")) } } }));
const deadline = Date.now() + 120000;
while (uris.some((u) => !published.has(u)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
await new Promise((r) => setTimeout(r, 300));
for (const [i, uri] of uris.entries()) {
  console.log(JSON.stringify({ file: files[i], diagnostics: (published.get(uri) || null) }));
}
await request("shutdown", null);
send({ method: "exit" });
setTimeout(() => process.exit(0), 200).unref();
