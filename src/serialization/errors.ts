import { BokehError } from "../util/errors.js";

/** A JavaScript value that has no Bokeh wire representation. */
export class SerializationError extends BokehError {
  constructor(message: string) {
    super("ERR_BOKEH_SERIALIZATION", message);
  }
}

/** A wire value that cannot be turned back into a JavaScript value. */
export class DeserializationError extends BokehError {
  constructor(message: string, code = "ERR_BOKEH_DESERIALIZATION") {
    super(code, message);
  }
}

/** A `{"id": ...}` reference to a model the receiver does not have. */
export class UnknownReferenceError extends DeserializationError {
  /** The id nothing is known by. */
  readonly id: string;

  constructor(id: string) {
    super(`can't resolve reference '${id}'`, "ERR_BOKEH_UNKNOWN_REFERENCE");
    this.id = id;
  }
}
