/**
 * Reconcile: bring a document to the state of a freshly pulled one, keeping every
 * model instance that still exists there (same id and type), so the references
 * user code holds stay valid across a re-pull or a reconnection. Everything that
 * differs is reported as ordinary change events tagged with `setter`. Returns the
 * models that left the document (a restarted server gives every model a new id).
 */
import { documentFormat } from "../protocol/document-format.js";
import { Decoder } from "../serialization/decoder.js";
import { DeserializationError } from "../serialization/errors.js";
import { isPlainObject } from "../serialization/values.js";
import type { DocJson, Document } from "./document.js";
import type { Setter } from "./events.js";
import { Model, type Attributes } from "./model.js";

export function reconcile(document: Document, json: DocJson, buffers: ReadonlyMap<string, Uint8Array>, setter: Setter): { removed: Model[] } {
  if (!isPlainObject(json) || !Array.isArray(json.roots)) throw new DeserializationError("a document needs a 'roots' list");
  document._adoptBokehVersion(json.version); // before anything reads defaults: they follow the version
  const existing = new Map(document._index());
  const kept = new Map<Model, Attributes>();
  const decoder = new Decoder<Model>({
    buffers,
    gzipInline: documentFormat(String(json.version ?? "")).gzipInline,
    models: {
      resolve: () => undefined, // every model of the pulled document is read in full
      create: (type, id) => {
        const model = existing.get(id);
        return model !== undefined && model.type === type ? model : Model.create(type, id);
      },
      initialize: (model, attributes) => {
        if (existing.get(model.id) === model) kept.set(model, attributes);
        else model.initializeFromWire(attributes);
      },
    },
  });
  const roots = json.roots.map((rep) => {
    const root = decoder.decode(rep);
    if (!(root instanceof Model)) throw new DeserializationError("a document root is not a model");
    return root;
  });
  // Only once everything is decoded: change the models that were kept, then the roots.
  for (const [model, attributes] of kept) model._reconcileAttributes(attributes, setter);
  for (const root of [...document.roots]) if (!roots.includes(root)) document.removeRoot(root, setter);
  for (const root of roots) document.addRoot(root, setter);
  if (typeof json.title === "string") document.setTitle(json.title, setter);
  document._setConfig(json.config);
  document._markSynced();
  return { removed: [...existing.values()].filter((model) => document.getModelById(model.id) !== model) };
}
