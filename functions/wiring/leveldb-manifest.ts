/**
 * Reads a LevelDB manifest (the descriptor log that lists a store's live table files) without the
 * engine, so a store can be checked before anything opens it: the engine itself only notices a
 * missing table at open, a truncated one when a read reaches it, and a missing write-ahead log never.
 * Formats: leveldb doc/log_format.md (32 KiB blocks of checksum, length, type, data records) and
 * db/version_edit.cc (tagged fields). No library reads these; checksums are left to the engine.
 */

const BLOCK = 32 * 1024;
const HEADER = 7;
const enum Record {
  Full = 1,
  First = 2,
  Middle = 3,
  Last = 4,
}
const enum Tag {
  Comparator = 1,
  LogNumber = 2,
  NextFileNumber = 3,
  LastSequence = 4,
  CompactPointer = 5,
  DeletedFile = 6,
  NewFile = 7,
  PrevLogNumber = 9,
}

export class ManifestFormatError extends Error {
  override name = 'ManifestFormatError';
}

export interface ManifestSummary {
  /** Live table files: number → size in bytes. */
  tables: Map<number, number>;
  /** The write-ahead log the store writes to (and replays at open); 0 if the manifest names none. */
  logNumber: number;
}

/** The records of a LevelDB log file (each may span blocks). */
function records(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let pending: Uint8Array[] | undefined;
  for (let block = 0; block < bytes.length; block += BLOCK) {
    const end = Math.min(block + BLOCK, bytes.length);
    let at = block;
    while (end - at >= HEADER) {
      const length = bytes[at + 4]! | (bytes[at + 5]! << 8);
      const type = bytes[at + 6]!;
      if (type === 0 && length === 0) break; // preallocated zeroes: the rest of the block is padding
      if (at + HEADER + length > end) throw new ManifestFormatError(`a record at byte ${at} runs past its block`);
      const data = bytes.subarray(at + HEADER, at + HEADER + length);
      at += HEADER + length;
      if (type === Record.Full) out.push(data);
      else if (type === Record.First) pending = [data];
      else if (type === Record.Middle && pending) pending.push(data);
      else if (type === Record.Last && pending) {
        pending.push(data);
        out.push(Buffer.concat(pending));
        pending = undefined;
      } else throw new ManifestFormatError(`a record at byte ${at - HEADER - length} has type ${type}`);
    }
  }
  if (pending) throw new ManifestFormatError('the last record is cut short');
  return out;
}

class Reader {
  at = 0;
  constructor(private readonly bytes: Uint8Array) {}
  get done(): boolean {
    return this.at >= this.bytes.length;
  }
  varint(): number {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (this.at >= this.bytes.length) throw new ManifestFormatError('a number is cut short');
      const byte = this.bytes[this.at++]!;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new ManifestFormatError('a number is too long');
  }
  skipSlice(): void {
    const length = this.varint();
    if (this.at + length > this.bytes.length) throw new ManifestFormatError('a key is cut short');
    this.at += length;
  }
}

/** Replays the manifest's version edits into the set of live tables and the current log number. */
export function readManifest(bytes: Uint8Array): ManifestSummary {
  const tables = new Map<number, number>();
  let logNumber = 0;
  let edits = 0;
  for (const record of records(bytes)) {
    const r = new Reader(record);
    edits++;
    while (!r.done) {
      const tag = r.varint();
      switch (tag) {
        case Tag.Comparator:
          r.skipSlice();
          break;
        case Tag.LogNumber:
          logNumber = r.varint();
          break;
        case Tag.NextFileNumber:
        case Tag.LastSequence:
        case Tag.PrevLogNumber:
          r.varint();
          break;
        case Tag.CompactPointer:
          r.varint();
          r.skipSlice();
          break;
        case Tag.DeletedFile:
          r.varint();
          tables.delete(r.varint());
          break;
        case Tag.NewFile: {
          r.varint();
          const number = r.varint();
          tables.set(number, r.varint());
          r.skipSlice();
          r.skipSlice();
          break;
        }
        default:
          throw new ManifestFormatError(`unknown field ${tag} in edit ${edits}`);
      }
    }
  }
  if (edits === 0) throw new ManifestFormatError('it holds no records');
  return { tables, logNumber };
}
