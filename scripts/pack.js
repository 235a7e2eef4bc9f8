#!/usr/bin/env node
// `npm pack` / `npm publish` (prepack: `before`, postpack: `after`) shape the packed package:
//
// - PulumiPlugin.yaml (from provider/native/) at the package root. Pulumi's Node.js language
//   host then runs the package directory as the rekko plugin (`pulumi package add <dir>`). It is
//   not kept at the repository root, where the demo's Pulumi.yaml is: `pulumi package add`,
//   `get-schema` and `gen-sdk` refuse a directory holding both.
// - package.json without devDependencies and scripts. That host runs `npm install` inside the
//   package directory before it starts the plugin; with this project's devDependencies that
//   installed some 360 packages (860 MB) there and asked for the plugins of every @pulumi/*
//   package among them.

const fs = require("node:fs");
const path = require("node:path");

const root = path.join(__dirname, "..");
const manifest = path.join(root, "package.json");
const kept = path.join(root, ".package.json.pack-backup");
const plugin = path.join(root, "PulumiPlugin.yaml");

/** Puts the repository back as it was (also after an interrupted pack). */
function after() {
  if (fs.existsSync(kept)) fs.renameSync(kept, manifest);
  fs.rmSync(plugin, { force: true });
}

function before() {
  after();
  const text = fs.readFileSync(manifest, "utf8");
  const pkg = JSON.parse(text);
  fs.writeFileSync(kept, text);
  delete pkg.devDependencies;
  delete pkg.scripts;
  fs.writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
  fs.copyFileSync(path.join(root, "provider", "native", "PulumiPlugin.yaml"), plugin);
}

const mode = process.argv[2];
if (mode === "before") before();
else if (mode === "after") after();
else {
  process.stderr.write("usage: pack.js before | after\n");
  process.exit(2);
}
