/**
 * Comparing Bokeh documents (JSON form) as graphs of models: where a model is
 * written in full and where only referenced depends on attribute order, and ids
 * differ between producers. `canonicalDocument` renumbers models in a fixed
 * traversal order (attributes by sorted key) and lists each model once.
 */
export interface CanonicalDocument {
  title: unknown;
  roots: unknown[];
  models: Record<string, { name: string; attributes: unknown }>;
}

type Rep = { type?: unknown; name?: unknown; id?: unknown; attributes?: Record<string, unknown> };

export function canonicalDocument(doc: { title?: unknown; roots: unknown[] }): CanonicalDocument {
  const full = new Map<string, Rep>();
  const collect = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(collect);
    else if (value !== null && typeof value === "object") {
      const rep = value as Rep;
      if (rep.type === "object" && typeof rep.id === "string") full.set(rep.id, rep);
      Object.values(value).forEach(collect);
    }
  };
  collect(doc.roots);

  const ids = new Map<string, string>();
  const models: CanonicalDocument["models"] = {};
  const visit = (id: string): string => {
    const known = ids.get(id);
    if (known !== undefined) return known;
    const canonical = `m${ids.size}`;
    ids.set(id, canonical);
    const rep = full.get(id);
    if (rep === undefined) throw new Error(`reference to ${id}, which is not written in full anywhere`);
    models[canonical] = { name: String(rep.name), attributes: null };
    (models[canonical] as { attributes: unknown }).attributes = walk(rep.attributes ?? {});
    return canonical;
  };
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== "object") return value;
    const rep = value as Rep;
    const keys = Object.keys(value);
    if (typeof rep.id === "string" && (rep.type === "object" || (keys.length === 1 && keys[0] === "id"))) return { ref: visit(rep.id) };
    const out: Record<string, unknown> = {};
    for (const key of keys.sort()) out[key] = walk((value as Record<string, unknown>)[key]);
    return out;
  };
  return { title: doc.title, roots: doc.roots.map(walk), models };
}
