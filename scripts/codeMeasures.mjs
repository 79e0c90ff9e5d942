#!/usr/bin/env node
// Measures the shape of the code for architecture work: lines per layer (folder) and the longest
// functions. Run `node scripts/codeMeasures.mjs [--top N] [--json]` before and after a redesign and
// put both in the note. Lines are non-blank, non-comment-only lines of TypeScript.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
// rolldown (through vitest) carries the oxc parser; TypeScript 7 has no JavaScript compiler API.
import { parseAst } from "rolldown/parseAst";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const top = Number(args[args.indexOf("--top") + 1]) || 15;
const asJson = args.includes("--json");

function* typeScriptFiles(directory) {
  for (const name of readdirSync(directory)) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) yield* typeScriptFiles(path);
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) yield path;
  }
}

/** The layer of a file: its folder under src/ (two levels under src/adapters and src/platforms). */
function layerOf(file) {
  const parts = relative(root, file).split("/");
  if (parts[0] !== "src") return parts[0];
  if ((parts[1] === "adapters" || parts[1] === "platforms") && parts.length > 3) return `src/${parts[1]}/${parts[2]}`;
  return parts.length > 2 ? `src/${parts[1]}` : "src";
}

/** Non-blank lines that are not only a comment (a line inside a block comment starts with `*`). */
function codeLines(text) {
  return text.split("\n").filter((line) => {
    const trimmed = line.trim();
    return trimmed !== "" && !trimmed.startsWith("//") && !trimmed.startsWith("/*") && !trimmed.startsWith("*");
  }).length;
}

const functionTypes = new Set(["FunctionDeclaration", "FunctionExpression", "ArrowFunctionExpression"]);

/** Every named function of a file: declarations, class methods, and functions bound to a name. */
function functionsOf(file, text) {
  const program = parseAst(text, { lang: "ts" }, file);
  const lineAt = (offset) => text.slice(0, offset).split("\n").length;
  const found = [];
  const visit = (node, name, owner) => {
    if (!node || typeof node.type !== "string") return;
    if (functionTypes.has(node.type) && (node.id?.name ?? name)) {
      const first = lineAt(node.start);
      found.push({ file: relative(root, file), name: `${owner}${node.id?.name ?? name}`, line: first, lines: lineAt(node.end) - first + 1 });
    }
    const ownerHere = (node.type === "ClassDeclaration" || node.type === "ClassExpression") && node.id ? `${node.id.name}.` : owner;
    for (const [key, child] of Object.entries(node)) {
      if (key === "type" || child === null || typeof child !== "object") continue;
      const childName = node.type === "MethodDefinition" || node.type === "PropertyDefinition" || node.type === "Property"
        ? node.key?.name ?? node.key?.value
        : node.type === "VariableDeclarator" ? node.id?.name : undefined;
      for (const grandchild of Array.isArray(child) ? child : [child]) visit(grandchild, key === "value" || key === "init" ? childName : undefined, ownerHere);
    }
  };
  visit(program, undefined, "");
  return found;
}

const layers = new Map();
const functions = [];
for (const folder of ["src", "storage", "commands"]) {
  let files;
  try { files = [...typeScriptFiles(join(root, folder))]; } catch { continue; }
  for (const file of files) {
    const text = readFileSync(file, "utf8");
    const layer = layersEntry(layerOf(file));
    layer.files += 1;
    layer.lines += codeLines(text);
    // Named functions only: callbacks inside a function count in their owner's length.
    functions.push(...functionsOf(file, text));
  }
}
function layersEntry(name) {
  if (!layers.has(name)) layers.set(name, { layer: name, files: 0, lines: 0 });
  return layers.get(name);
}

const layerRows = [...layers.values()].sort((a, b) => a.layer.localeCompare(b.layer));
const longest = functions.sort((a, b) => b.lines - a.lines).slice(0, top);
if (asJson) {
  console.log(JSON.stringify({ layers: layerRows, longest }, null, 2));
} else {
  console.log("| layer | files | lines |\n|---|---|---|");
  for (const row of layerRows) console.log(`| ${row.layer} | ${row.files} | ${row.lines} |`);
  const total = layerRows.reduce((sum, row) => sum + row.lines, 0);
  console.log(`| total | ${layerRows.reduce((sum, row) => sum + row.files, 0)} | ${total} |`);
  console.log(`\n| longest functions | lines | where |\n|---|---|---|`);
  for (const entry of longest) console.log(`| ${entry.name} | ${entry.lines} | ${entry.file}:${entry.line} |`);
}
