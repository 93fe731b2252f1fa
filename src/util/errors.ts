/**
 * The root of every error bokeh-client throws or rejects with.
 *
 * Each subclass carries a stable `code` (like Node's `ERR_*` codes) so callers
 * can branch on the kind of failure without parsing messages.
 */
export class BokehError extends Error {
  /** A stable code for the kind of failure (`ERR_BOKEH_HTTP`, `ERR_BOKEH_VALIDATION`, ...). */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}
