/**
 * Typed Bokeh models: one class per BokehJS model of any supported Bokeh version
 * (generated from the catalogs, see docs/models.md), their base TypedModel,
 * validation errors, the version check before a push, and figure().
 *
 *   import { figure, ColumnDataSource } from "bokeh-client/models";  // (this module)
 *
 * As every entry point, this one loads the model registry's typed classes
 * (registry.ts), so documents received from a peer are made of typed instances.
 */
import "./registry.js";

export * from "./generated/index.js";
export { TypedModel, registerModel, type TypedModelClass } from "./typed-model.js";
export { ValidationError } from "./kinds.js";
export { isColor, NAMED_COLORS } from "./colors.js";
export { isKnownType, isSubtype, type CatalogVersion } from "./catalog.js";
export { catalogVersion } from "./versions.js";
export { checkBokehVersion, versionMismatches, VersionMismatchError, type VersionMismatch } from "./version-check.js";
export type {
  Arrayable,
  AttributeValue,
  Color,
  ExprForm,
  ExprSpec,
  FieldForm,
  FieldSpec,
  NamedColor,
  PropertyValue,
  RGB,
  RGBA,
  Scalar,
  ScalarInput,
  SpecExtras,
  ValueForm,
  ValueSpec,
  Vectorized,
  VectorizedInput,
} from "./types.js";
export type { KindDescriptor, DefaultDescriptor, CatalogModel, CatalogOverride, CatalogProperty, SpecKind } from "./catalog-types.js";
export * from "./plotting.js";
