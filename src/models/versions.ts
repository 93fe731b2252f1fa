/**
 * Which catalog a Bokeh version uses (docs/models.md, "Versions").
 *
 * The catalogs are those of the releases in KNOWN_BOKEH_VERSIONS. Any other version
 * string (a server's "3.9.0", "3.8.0.dev1", "3.11.0") uses the catalog of the known release
 * with the same major.minor; else the nearest older known release; else (older than every
 * known release, or not a version at all) the newest stable one, LATEST_BOKEH_VERSION.
 */
import { LATEST_BOKEH_VERSION } from "../protocol/version.js";
import { catalogVersions, type CatalogVersion } from "./catalog.js";

const resolved = new Map<string, CatalogVersion>();

/** The catalog version used for documents of Bokeh `version` (see the module comment). */
export function catalogVersion(version: string): CatalogVersion {
  let found = resolved.get(version);
  if (found === undefined) {
    found = resolve(version);
    if (resolved.size < 64) resolved.set(version, found); // a handful of distinct versions in practice
  }
  return found;
}

function resolve(version: string): CatalogVersion {
  if ((catalogVersions as readonly string[]).includes(version)) return version as CatalogVersion;
  const wanted = parse(version);
  const latest = LATEST_BOKEH_VERSION as CatalogVersion;
  if (wanted === null) return latest;
  const sameMinor = catalogVersions.find((v) => {
    const known = parse(v) as Parsed;
    return known.numbers[0] === wanted.numbers[0] && known.numbers[1] === wanted.numbers[1];
  });
  if (sameMinor !== undefined) return sameMinor;
  const older = catalogVersions.filter((v) => compareParsed(parse(v) as Parsed, wanted) < 0);
  return older.at(-1) ?? latest;
}

interface Parsed {
  numbers: [number, number, number];
  /** The pre-release part ("dev.5", "rc1"), or null for a release. */
  pre: string | null;
}

/** "3.9.2" -> [3, 9, 2]; "3.8.0.dev1", "4.0.0-dev.5" -> pre-releases; "3.9" -> [3, 9, 0]; otherwise null. */
function parse(version: string): Parsed | null {
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?(?:[-.+]?([0-9A-Za-z.-]+))?$/.exec(version);
  if (match === null) return null;
  return { numbers: [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)], pre: match[4] ?? null };
}

function compareParsed(a: Parsed, b: Parsed): number {
  for (let i = 0; i < 3; i++) if (a.numbers[i] !== b.numbers[i]) return (a.numbers[i] as number) - (b.numbers[i] as number);
  if (a.pre === b.pre) return 0;
  if (a.pre === null) return 1;
  if (b.pre === null) return -1;
  return a.pre < b.pre ? -1 : 1;
}

/**
 * Orders Bokeh versions as releases: 3.9.2 < 3.10.0, 3.7.0.dev1 < 3.7.0 (a pre-release comes
 * before its release). Strings that are not versions come before every version.
 */
export function compareBokehVersions(a: string, b: string): number {
  const x = parse(a);
  const y = parse(b);
  if (x === null || y === null) return x === null ? (y === null ? 0 : -1) : 1;
  return compareParsed(x, y);
}
