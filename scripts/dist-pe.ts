/**
 * Windows executables: Node.js's node.exe carries an Authenticode signature (the PE security
 * directory, appended at the end of the file). Injecting the SEA blob makes it invalid, so it is
 * removed first, as Node.js's documentation does with `signtool remove /s`; the plugin is then
 * an unsigned executable, which Windows runs.
 */
import { readFileSync, writeFileSync } from "node:fs";

/** The file without its Authenticode signature; unchanged when it has none. */
export function withoutAuthenticode(file: Buffer): Buffer {
  if (file.toString("latin1", 0, 2) !== "MZ") throw new Error("not a PE executable (no MZ header)");
  const pe = file.readUInt32LE(0x3c);
  if (file.toString("latin1", pe, pe + 4) !== "PE\0\0") throw new Error("not a PE executable (no PE signature)");
  const opt = pe + 24;
  const magic = file.readUInt16LE(opt);
  const dirs = magic === 0x20b ? opt + 112 : magic === 0x10b ? opt + 96 : -1;
  if (dirs < 0) throw new Error(`unknown PE optional header magic 0x${magic.toString(16)}`);
  const security = dirs + 4 * 8;
  const offset = file.readUInt32LE(security);
  const size = file.readUInt32LE(security + 4);
  if (size === 0) return file;
  if (offset + size > file.length || file.length - (offset + size) > 8)
    throw new Error("the Authenticode signature is not at the end of the file");
  const out = Buffer.from(file.subarray(0, offset));
  out.writeUInt32LE(0, security);
  out.writeUInt32LE(0, security + 4);
  out.writeUInt32LE(0, opt + 64); // CheckSum: not checked for executables; 0 as for any unsigned one
  return out;
}

/** The PE security directory's size (0: unsigned). */
export function authenticodeSize(file: Buffer): number {
  const opt = file.readUInt32LE(0x3c) + 24;
  const dirs = file.readUInt16LE(opt) === 0x20b ? opt + 112 : opt + 96;
  return file.readUInt32LE(dirs + 4 * 8 + 4);
}

/** Removes the Authenticode signature of the PE executable at `path`, in place. */
export function removeAuthenticode(path: string): void {
  writeFileSync(path, withoutAuthenticode(readFileSync(path)));
}
