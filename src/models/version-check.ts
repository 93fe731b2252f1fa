/**
 * Whether a document can be sent to a peer of another Bokeh version: which of its
 * models' types, and which of the properties set on them, that version lacks.
 *
 * A pure function of the document and the target version, for a session to call
 * before a push (the whole document goes at once: nothing is sent when something
 * does not fit, so the peer never holds half a document). Only what is sent is
 * checked: explicitly set properties, whatever their values. Types no catalog
 * knows (custom models, extensions) are not checked: they round-trip as generic
 * models and the peer may well know them.
 */
import type { Document } from "../document/document.js";
import { BokehError } from "../util/errors.js";
import { isKnownType } from "./catalog.js";
import { modelInfo } from "./model-info.js";
import { catalogVersion } from "./versions.js";

/** One thing a Bokeh version lacks: a model's whole type (`property` null), or one of its set properties. */
export interface VersionMismatch {
  /** The model's id. */
  readonly id: string;
  /** The model's Bokeh type. */
  readonly type: string;
  /** The set property the version lacks, or null when it lacks the model type itself. */
  readonly property: string | null;
}

/**
 * Every model type of `document`, and every property set on its models, that Bokeh
 * `bokehVersion` lacks (by that version's catalog, or the nearest one: docs/models.md,
 * "Versions"), in document order. Empty when the document fits.
 */
export function versionMismatches(document: Document, bokehVersion: string): VersionMismatch[] {
  const version = catalogVersion(bokehVersion);
  const found: VersionMismatch[] = [];
  for (const model of document.models) {
    const { id, type } = model;
    if (!isKnownType(type)) continue; // a custom type: the peer may know it, we cannot tell
    if (!isKnownType(type, version)) {
      found.push({ id, type, property: null });
      continue;
    }
    const properties = modelInfo(type, version).properties;
    for (const [attr] of model.serializableAttributes()) {
      if (!properties.has(attr)) found.push({ id, type, property: attr });
    }
  }
  return found;
}

/** Throws a VersionMismatchError if Bokeh `bokehVersion` lacks a model type or set property of `document`. */
export function checkBokehVersion(document: Document, bokehVersion: string): void {
  const mismatches = versionMismatches(document, bokehVersion);
  if (mismatches.length > 0) throw new VersionMismatchError(bokehVersion, mismatches);
}

/** Ids named per type or property in a message; the rest are counted ("and 12 more"). */
const IDS_NAMED = 5;

/**
 * A document uses model types or properties that a Bokeh version lacks. The message names
 * each, grouped: `Bokeh 3.7.3 has no model TimedeltaAxis (p1234); Figure.border_line_color
 * (p99) is not in Bokeh 3.7.3`; `mismatches` lists them one by one.
 */
export class VersionMismatchError extends BokehError {
  /** The version that lacks them, as given. */
  readonly bokehVersion: string;
  /** Each model type or set property the version lacks, in document order. */
  readonly mismatches: readonly VersionMismatch[];

  constructor(bokehVersion: string, mismatches: readonly VersionMismatch[]) {
    super("ERR_BOKEH_VERSION_MISMATCH", describe(bokehVersion, mismatches));
    this.bokehVersion = bokehVersion;
    this.mismatches = mismatches;
  }
}

function describe(version: string, mismatches: readonly VersionMismatch[]): string {
  const groups = new Map<string, { type: string; property: string | null; ids: string[] }>(); // by type and property
  for (const { id, type, property } of mismatches) {
    const key = JSON.stringify([type, property]);
    let group = groups.get(key);
    if (group === undefined) groups.set(key, (group = { type, property, ids: [] }));
    group.ids.push(id);
  }
  const parts = [...groups.values()].map(({ type, property, ids }) => {
    const named = ids.length > IDS_NAMED ? `${ids.slice(0, IDS_NAMED).join(", ")} and ${ids.length - IDS_NAMED} more` : ids.join(", ");
    return property === null ? `Bokeh ${version} has no model ${type} (${named})` : `${type}.${property} (${named}) is not in Bokeh ${version}`;
  });
  return parts.join("; ");
}
