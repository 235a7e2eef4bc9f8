/**
 * macOS executables from Linux: Node.js's macOS binaries are signed, and injecting the SEA blob
 * (a new segment) breaks that signature; macOS on Apple silicon refuses to run an executable
 * without a valid one. Apple's `codesign` does not exist here, so:
 *
 * - {@link removeSignature} does what `codesign --remove-signature` does: drops the
 *   LC_CODE_SIGNATURE load command and the signature data at the end of __LINKEDIT;
 * - {@link adhocSign} does what `codesign --sign -` does for a plain executable: an ad-hoc
 *   signature (one CodeDirectory of SHA-256 page hashes, no certificate, no entitlements, no
 *   hardened runtime), with the algorithm and layout of Go's linker (cmd/internal/codesign),
 *   which signs every darwin/arm64 Go binary it links on Linux. The test builds a Go program for
 *   darwin, strips Go's signature and checks that this one is byte for byte the same.
 *
 * Thin (single-architecture) 64-bit little-endian Mach-O files only, which is what Node.js's
 * darwin-x64 and darwin-arm64 binaries are.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";

const MH_MAGIC_64 = 0xfeedfacf;
const HEADER_SIZE = 32;
const LC_SEGMENT_64 = 0x19;
const LC_CODE_SIGNATURE = 0x1d;

const PAGE_BITS = 12;
const PAGE = 1 << PAGE_BITS;
const SUPERBLOB = 12;
const BLOB = 8;
const CODEDIRECTORY = 13 * 4 + 4 + 4 * 8;

interface Segment {
  /** Offset of the load command in the file. */
  at: number;
  name: string;
  fileoff: number;
  filesize: number;
}

interface MachO {
  buf: Buffer;
  ncmds: number;
  sizeofcmds: number;
  segments: Segment[];
  /** Offset of LC_CODE_SIGNATURE's load command, if any. */
  sigAt?: number;
}

function parse(buf: Buffer): MachO {
  if (buf.readUInt32LE(0) !== MH_MAGIC_64) throw new Error("not a thin 64-bit little-endian Mach-O file");
  const ncmds = buf.readUInt32LE(16);
  const sizeofcmds = buf.readUInt32LE(20);
  const segments: Segment[] = [];
  let sigAt: number | undefined;
  let at = HEADER_SIZE;
  for (let i = 0; i < ncmds; i++) {
    const cmd = buf.readUInt32LE(at);
    const size = buf.readUInt32LE(at + 4);
    if (cmd === LC_SEGMENT_64) {
      const name = buf.toString("latin1", at + 8, at + 24).replace(/\0.*$/s, "");
      segments.push({ at, name, fileoff: Number(buf.readBigUInt64LE(at + 40)), filesize: Number(buf.readBigUInt64LE(at + 48)) });
    } else if (cmd === LC_CODE_SIGNATURE) sigAt = at;
    at += size;
  }
  return { buf, ncmds, sizeofcmds, segments, ...(sigAt === undefined ? {} : { sigAt }) };
}

function segment(m: MachO, name: string): Segment {
  const s = m.segments.find((x) => x.name === name);
  if (!s) throw new Error(`no ${name} segment`);
  return s;
}

function setLinkedit(m: MachO, end: number): void {
  const le = segment(m, "__LINKEDIT");
  const last = Math.max(...m.segments.map((s) => s.fileoff + s.filesize));
  if (le.fileoff + le.filesize !== last) throw new Error("__LINKEDIT is not the file's last segment");
  // vmsize = filesize, as Go's linker writes it (Apple's tools round it up to whole pages; the
  // kernel takes either).
  const filesize = BigInt(end - le.fileoff);
  m.buf.writeBigUInt64LE(filesize, le.at + 32);
  m.buf.writeBigUInt64LE(filesize, le.at + 48);
}

/** The file without its code signature (as `codesign --remove-signature`); unchanged when it has none. */
export function unsigned(file: Buffer): Buffer {
  const m = parse(Buffer.from(file));
  if (m.sigAt === undefined) return m.buf;
  const dataoff = m.buf.readUInt32LE(m.sigAt + 8);
  const datasize = m.buf.readUInt32LE(m.sigAt + 12);
  if (dataoff + datasize !== m.buf.length) throw new Error("the code signature is not at the end of the file");
  // Drop the load command: the ones after it move up, the freed bytes become zero.
  const end = HEADER_SIZE + m.sizeofcmds;
  m.buf.copy(m.buf, m.sigAt, m.sigAt + 16, end);
  m.buf.fill(0, end - 16, end);
  m.buf.writeUInt32LE(m.ncmds - 1, 16);
  m.buf.writeUInt32LE(m.sizeofcmds - 16, 20);
  const after = parse(m.buf);
  setLinkedit(after, dataoff);
  return m.buf.subarray(0, dataoff);
}

/** The file with an ad-hoc signature under `id` (as `codesign --sign - -i <id>`, or Go's linker). */
export function signed(file: Buffer, id: string): Buffer {
  const m0 = parse(unsigned(file));
  const text = segment(m0, "__TEXT");
  const firstSection = m0.buf.readUInt32LE(text.at + 72 + 48); // section_64.offset of __TEXT's first section
  if (HEADER_SIZE + m0.sizeofcmds + 16 > firstSection) throw new Error("no room for LC_CODE_SIGNATURE among the load commands");
  // The signature starts 16-byte aligned at the end of the file, inside __LINKEDIT.
  const codeSize = Math.ceil(m0.buf.length / 16) * 16;
  const nhashes = Math.ceil(codeSize / PAGE);
  const identOffset = CODEDIRECTORY;
  const hashOffset = identOffset + Buffer.byteLength(id) + 1;
  const size = SUPERBLOB + BLOB + hashOffset + nhashes * 32;

  const out = Buffer.alloc(codeSize + size);
  m0.buf.copy(out);
  const m = parse(out);
  const cmd = HEADER_SIZE + m.sizeofcmds;
  out.writeUInt32LE(LC_CODE_SIGNATURE, cmd);
  out.writeUInt32LE(16, cmd + 4);
  out.writeUInt32LE(codeSize, cmd + 8);
  out.writeUInt32LE(size, cmd + 12);
  out.writeUInt32LE(m.ncmds + 1, 16);
  out.writeUInt32LE(m.sizeofcmds + 16, 20);
  setLinkedit(m, codeSize + size);

  let p = codeSize;
  const u32 = (x: number) => {
    out.writeUInt32BE(x, p);
    p += 4;
  };
  const u64 = (x: number) => {
    out.writeBigUInt64BE(BigInt(x), p);
    p += 8;
  };
  const u8 = (x: number) => {
    out.writeUInt8(x, p);
    p += 1;
  };
  // SuperBlob (embedded signature) with one blob: the CodeDirectory.
  u32(0xfade0cc0);
  u32(size);
  u32(1);
  u32(0); // CSSLOT_CODEDIRECTORY
  u32(SUPERBLOB + BLOB);
  // CodeDirectory
  u32(0xfade0c02);
  u32(size - SUPERBLOB - BLOB);
  u32(0x20400); // version
  u32(0x20002); // adhoc | linker-signed
  u32(hashOffset);
  u32(identOffset);
  u32(0); // special slots
  u32(nhashes);
  u32(codeSize);
  u8(32); // hash size
  u8(2); // SHA-256
  u8(0);
  u8(PAGE_BITS);
  u32(0);
  u32(0); // scatter
  u32(0); // team
  u32(0);
  u64(0); // codeLimit64
  u64(text.fileoff); // execSegBase
  u64(text.filesize); // execSegLimit
  u64(1); // CS_EXECSEG_MAIN_BINARY
  p += out.write(`${id}\0`, p, "latin1");
  for (let page = 0; page < codeSize; page += PAGE) {
    createHash("sha256")
      .update(out.subarray(page, Math.min(page + PAGE, codeSize)))
      .digest()
      .copy(out, p);
    p += 32;
  }
  return out;
}

/** Removes the code signature of the Mach-O executable at `path`, in place. */
export function removeSignature(path: string): void {
  writeFileSync(path, unsigned(readFileSync(path)));
}

/** Signs the Mach-O executable at `path` ad hoc under `id`, in place (replacing any signature). */
export function adhocSign(path: string, id: string): void {
  writeFileSync(path, signed(readFileSync(path), id));
}
