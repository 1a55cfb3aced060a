// Validate YAML or JSON documents against the published JSON Schemas with ajv, as another
// project would: draft 2020-12, strict mode, ajv-formats. YAML is read as YAML 1.2 (core schema).
//
//   node validate.mjs SCHEMA [--strict=default|all] [FILE...]
//
// Prints one JSON object per file: {"file", "valid", "errors"}; with no FILE, only compiles.
// Exit status 0 when the schema compiles (whatever the verdicts), 3 when it does not.
import { readFileSync } from "node:fs";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { parse } from "yaml";

const args = process.argv.slice(2);
const schemaPath = args.shift();
let strict = "default";
if (args[0] && args[0].startsWith("--strict=")) strict = args.shift().slice("--strict=".length);

// "default": ajv's defaults (strict mode on). "all": every strict option an error.
const options = strict === "all" ? { strict: true, allErrors: true } : { allErrors: true };
const ajv = new Ajv2020({ ...options, logger: { log() {}, warn(m) { throw new Error(`warning: ${m}`); }, error: console.error } });
addFormats(ajv);

let validate;
try {
  validate = ajv.compile(JSON.parse(readFileSync(schemaPath, "utf8")));
} catch (err) {
  console.log(JSON.stringify({ schema: schemaPath, compiled: false, error: String(err.message || err) }));
  process.exit(3);
}
if (!args.length) console.log(JSON.stringify({ schema: schemaPath, compiled: true }));
for (const file of args) {
  let data;
  try {
    const text = readFileSync(file, "utf8");
    data = file.endsWith(".json") ? JSON.parse(text) : parse(text, { version: "1.2", schema: "core", uniqueKeys: true, maxAliasCount: -1 });
  } catch (err) {
    console.log(JSON.stringify({ file, valid: null, errors: [String(err.message || err)] }));
    continue;
  }
  const valid = validate(data);
  console.log(JSON.stringify({ file, valid, errors: (validate.errors || []).map((e) => `${e.instancePath} ${e.message}`) }));
}
