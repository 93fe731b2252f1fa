/**
 * What `document.select()`, `selectOne()` and `getModelByName()` look for: a name, a Bokeh type
 * name or a model class; and the error of a typed lookup that found another class.
 */
import { BokehError } from "../util/errors.js";
import { Model } from "./model.js";

/** A model class (`Slider`, `Plot`, ... or `Model`) whose instances are `M`s, for `select({ type })` and `getModelByName`. */
export type ModelClass<M extends Model = Model> = abstract new (...args: never[]) => M;

/** What `select()` and `selectOne()` look for: every given criterion must match. */
export interface ModelSelector {
  /** The model's `name` property. */
  name?: string;
  /**
   * A Bokeh type name (`"ColumnDataSource"`: that type exactly) or a model class (`Slider`:
   * instances of it and of its subclasses; then the result is typed as the class).
   */
  type?: string | ModelClass;
}

/** Whether `model` matches every criterion of `selector`. */
export function matches(model: Model, selector: ModelSelector): boolean {
  const { name, type } = selector;
  return (name === undefined || model.get("name") === name) && (type === undefined || (typeof type === "string" ? model.type === type : model instanceof type));
}

/** The selector in words, for errors: `{"name":"x","type":"Slider"}`. */
export function describeSelector(selector: ModelSelector): string {
  const type = selector.type === undefined ? undefined : typeof selector.type === "string" ? selector.type : selector.type.name;
  return JSON.stringify({ name: selector.name, type });
}

/** `getModelByName(name, type)` found a model of that name that is not a `type`. */
export class ModelTypeError extends BokehError {
  /** The name looked for. */
  readonly modelName: string;
  /** The class asked for (`"Slider"`). */
  readonly expected: string;
  /** The model that has the name. */
  readonly model: Model;

  constructor(modelName: string, expected: ModelClass, model: Model) {
    const generic = model.constructor === Model ? ", a generic Model (no class is registered for its type)" : "";
    super("ERR_BOKEH_MODEL_TYPE", `the model named ${JSON.stringify(modelName)} is ${model}${generic}, not a ${expected.name}`);
    this.modelName = modelName;
    this.expected = expected.name;
    this.model = model;
  }
}
