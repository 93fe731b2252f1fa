/**
 * The model registry, filled with every typed class: which class a model received from a peer
 * becomes (`Model.create`, used by `Document.fromJSON`, patches and re-pulls).
 *
 * No generated class registers itself when its module loads: this module registers them all,
 * from the generated list (generated/classes.ts), once, when it is loaded. Every entry point
 * imports it by name (src/index.ts, src/models/index.ts, src/server/index.ts), so whichever a
 * program imports, documents it receives are made of typed instances; what else it imported
 * does not matter. The registry itself is module state of the document layer
 * (docs/module-state.md); a program can add its own classes with `registerModel`.
 */
import { CATALOG_CLASSES } from "./generated/classes.js";
import { registerModel, type TypedModel, type TypedModelClass } from "./typed-model.js";

for (const cls of CATALOG_CLASSES) registerModel(cls as TypedModelClass & (abstract new (...args: never[]) => TypedModel));
