/**
 * A load hook's entry names a stand-in source map (contract LATE_MAP_FIELD): Node registers it as
 * the file's map when it compiles the module, without reading the real one. When the module starts
 * (its `file()`), the runtime has Node's SourceMap object for the file answer from the real map:
 * `findEntry` (which Node's stack traces and `findOrigin` call) and `payload`. The real map is read,
 * checked against its digest and indexed the first time either is asked (map-lookup.ts); until then
 * the file costs nothing more than the stand-in's ~300 bytes.
 */
import { LATE_MAP_FIELD, type LateMap } from "../contract/index.js";
import { Buffer } from "node:buffer";
import { findSourceMap, type SourceMap } from "node:module";
import { isAbsolute } from "node:path";
import { pathToFileURL, URL } from "node:url";
import { verifiedBytes, warn } from "./beside-file.js";
import { MapLookup } from "./map-lookup.js";
import { apply, asArray, getPrototypeOf, isArray, jsonParse, list, ObjectKeys } from "./primordials.js";

// Saved when tsdb loads (primordials.ts): a program may patch them before its first stack trace.
const find = findSourceMap;
const defineProperty = Reflect.defineProperty;
const getOwnPropertyDescriptor = Reflect.getOwnPropertyDescriptor;
const bufferText = Buffer.prototype.toString;
const bufferIndexOf = Buffer.prototype.indexOf;
const subarray = Uint8Array.prototype.subarray;
const MAPPINGS_KEY = Buffer.from('"mappings":"', "latin1");
const QUOTE = 0x22;
const toFileURL = pathToFileURL;
const SafeURL = URL;
const urlHref = getOwnPropertyDescriptor(URL.prototype, "href")!.get!;
const pathIsAbsolute = isAbsolute;

interface Payload {
  version: number;
  sources: string[];
  names?: string[];
  mappings: string;
  sourceRoot?: string;
  [key: string]: unknown;
}

/** Makes Node's SourceMap of `filename` answer from the real map, when it is a stand-in. */
export function adoptMap(filename: string): void {
  const map = find(filename);
  if (map === undefined) return;
  const standIn = payloadOf(map);
  const late = standIn[LATE_MAP_FIELD] as LateMap | undefined;
  if (!isArray(late) || typeof late[0] !== "string" || typeof late[1] !== "string") return;
  const path = late[0];
  const digest = late[1];
  let lookup: MapLookup | null | undefined;
  let payload: Payload = standIn;
  /** The mappings' bytes until `payload` is first asked for (then its text). */
  let mappings: Uint8Array | null = null;
  /** The real map, read once; null when it cannot be used (said once). */
  const real = (): MapLookup | null => {
    if (lookup !== undefined) return lookup;
    const bytes = verifiedBytes(path, digest);
    const parts = isArray(bytes) ? null : split(bytes);
    if (parts === null) {
      const why = isArray(bytes) ? bytes[0] : "";
      warn(
        `tsdb: the source map of ${filename} ${why === "" ? `in ${path} is not the one it was instrumented with` : `cannot be read from ${path} (${why})`}: its stack traces show the instrumented code's positions\n`,
      );
      lookup = null;
      return null;
    }
    payload = parts[0];
    mappings = parts[1];
    payload.sources = absoluteSources(path, payload);
    payload.sourceRoot = "";
    lookup = new MapLookup(mappings, payload.sources, payload.names ?? []);
    return lookup;
  };
  defineProperty(map, "findEntry", {
    value: (line: number, column: number) => real()?.findEntry(line, column) ?? {},
    configurable: true,
    writable: true,
  });
  defineProperty(map, "payload", {
    get: () => {
      real();
      if (mappings !== null) {
        payload.mappings = apply(bufferText, mappings, ["latin1"]) as string;
        mappings = null;
      }
      return copy(payload);
    },
    configurable: true,
  });
}

/**
 * A map file's bytes as its JSON without the mappings (`""`), and the mappings' bytes: they are most
 * of the file (3 of `_tsc.js`'s 3 MB) and are read as bytes, so only the rest is decoded and parsed.
 * (In valid JSON, `"mappings":"` is the key: a string's quotes are escaped.) Null: no mappings.
 */
function split(bytes: Uint8Array): [Payload, Uint8Array] | null {
  const at = apply(bufferIndexOf, bytes, [MAPPINGS_KEY]) as number;
  if (at === -1) return null;
  const start = at + MAPPINGS_KEY.length;
  const end = apply(bufferIndexOf, bytes, [QUOTE, start]) as number;
  if (end === -1) return null;
  const rest = `${apply(bufferText, bytes, ["utf8", 0, start]) as string}${apply(bufferText, bytes, ["utf8", end]) as string}`;
  return [jsonParse(rest) as Payload, apply(subarray, bytes, [start, end]) as Uint8Array];
}

/** Node's own `payload` of `map` (a copy of the stand-in). */
function payloadOf(map: SourceMap): Payload {
  const getter = getOwnPropertyDescriptor(getPrototypeOf(map) as object, "payload")?.get;
  return (getter === undefined ? {} : apply(getter, map, [])) as Payload;
}

/** The map's sources as Node resolves a map file's (its `sourcesToAbsolute`): absolute URLs. */
function absoluteSources(path: string, payload: Payload): string[] {
  const base = apply(urlHref, toFileURL(path), []) as string;
  const root = payload.sourceRoot || "";
  const sources = list<string>();
  for (let i = 0; i < payload.sources.length; i++) {
    const source = root + payload.sources[i];
    sources[i] = apply(urlHref, pathIsAbsolute(source) ? toFileURL(source) : new SafeURL(source, base), []) as string;
  }
  return asArray(sources);
}

/** A copy of `payload`, as Node's getter gives (its arrays copied too). */
function copy(payload: Payload): Payload {
  const result: Payload = { ...payload };
  const keys = ObjectKeys(result);
  for (let k = 0; k < keys.length; k++) {
    const value = result[keys[k]];
    if (isArray(value)) {
      const items = list<unknown>();
      for (let i = 0; i < value.length; i++) items[i] = value[i];
      result[keys[k]] = asArray(items);
    }
  }
  return result;
}
