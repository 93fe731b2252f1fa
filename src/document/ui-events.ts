/**
 * Bokeh's UI events (BokehJS `core/bokeh_events`): their names and the values each carries.
 *
 * A browser sends a model's event (a button click, a tap on a plot) only when the model
 * lists its name in `subscribed_events`: `model.onEvent(name, callback)` adds it, as Python's
 * `Model.on_event` does. The event travels as a PATCH-DOC `MessageSent` of type `bokeh_event`
 * (`{type: "event", name, values}`); the document that receives it runs the callbacks of the
 * model its `values.model` names (document.ts). See docs/models.md, "UI events".
 */
import { BokehError } from "../util/errors.js";
import { isPlainObject } from "../serialization/values.js";
import type { Model } from "./model.js";

/** The keys held during a pointer event. */
export interface KeyModifiers {
  /** Shift was held. */
  shift: boolean;
  /** Control was held. */
  ctrl: boolean;
  /** Alt was held. */
  alt: boolean;
}

/** The values of an event at a point of a plot. */
export interface PointEventFields {
  /** Horizontal screen position, in CSS pixels from the canvas's left edge. */
  sx: number;
  /** Vertical screen position, in CSS pixels from the canvas's top edge. */
  sy: number;
  /** Horizontal position in data coordinates (the plot's x range). */
  x: number;
  /** Vertical position in data coordinates (the plot's y range). */
  y: number;
  /** The keys held. */
  modifiers: KeyModifiers;
}

/** A category of a categorical axis: a factor, or a list of 2 or 3 nested ones. */
export type Factor = string | [string, string] | [string, string, string];

/**
 * What each UI event a model sends carries besides `model` (the model itself), by event name:
 * BokehJS's model events (`core/bokeh_events`, `ModelEventType`). `file_input_change` is
 * sent by Bokeh 3.10 and later.
 */
export interface ModelEventFields {
  /** A click on an axis: the value under the pointer. */
  axis_click: {
    /** The value under the pointer: a number, or a factor on a categorical axis. */
    value: number | Factor;
  };
  /** A click on a button (`Button`, `Toggle`, `Dropdown`, `HelpButton`). */
  button_click: {};
  /** A file chosen in a `FileInput` (Bokeh 3.10+): one string per file, or a list of them when `multiple`. */
  file_input_change: {
    /** The file's content, base64-encoded (a list with `multiple`). */
    value: string | string[];
    /** The file's name (a list with `multiple`). */
    filename: string | string[];
    /** The file's MIME type (a list with `multiple`). */
    mime_type: string | string[];
  };
  /** A click on a legend item. */
  legend_item_click: {
    /** The `LegendItem` clicked. */
    item: Model;
  };
  /** A click on an item of a `Dropdown`'s menu: the item's value. */
  menu_item_click: {
    /** The item's value (its name, or the action of a `[label, action]` pair). */
    item: string;
  };
  /** Enter pressed in a `TextInput`: its value. */
  value_submit: {
    /** The input's text. */
    value: string;
  };
  /** A plot entered level-of-detail mode (interaction on a large plot). */
  lodstart: {};
  /** A plot left level-of-detail mode. */
  lodend: {};
  /** A plot's ranges changed: the new bounds. */
  rangesupdate: {
    /** The x range's new start. */
    x0: number;
    /** The x range's new end. */
    x1: number;
    /** The y range's new start. */
    y0: number;
    /** The y range's new end. */
    y1: number;
  };
  /** A selection tool drew a geometry (`final` once the gesture ended). */
  selectiongeometry: {
    /** The geometry, in screen and data coordinates: `{ type: "rect", sx0, sx1, sy0, sy1, x0, x1, y0, y1 }`, `"point"`, `"span"` or `"poly"`. */
    geometry: {
      /** `"point"`, `"span"`, `"rect"` or `"poly"`. */
      type: string;
      [field: string]: unknown;
    };
    /** Whether the gesture ended (false while it is under way). */
    final: boolean;
  };
  /** The reset tool was used. */
  reset: {};
  /** A pan gesture moved. */
  pan: PointEventFields & {
    /** Horizontal movement since the pan began, in screen pixels. */
    delta_x: number;
    /** Vertical movement since the pan began, in screen pixels. */
    delta_y: number;
  };
  /** A pinch gesture, by `scale`. */
  pinch: PointEventFields & {
    /** The scale factor of the gesture. */
    scale: number;
  };
  /** A rotation gesture. */
  rotate: PointEventFields & {
    /** The angle turned, in degrees. */
    rotation: number;
  };
  /** A mouse wheel turned by `delta`. */
  wheel: PointEventFields & {
    /** How far the wheel turned (positive away from the user). */
    delta: number;
  };
  /** The pointer moved over a plot. */
  mousemove: PointEventFields;
  /** The pointer entered a plot. */
  mouseenter: PointEventFields;
  /** The pointer left a plot. */
  mouseleave: PointEventFields;
  /** A tap (click) on a plot. */
  tap: PointEventFields;
  /** A double tap on a plot. */
  doubletap: PointEventFields;
  /** A press (long tap) on a plot. */
  press: PointEventFields;
  /** The end of a press. */
  pressup: PointEventFields;
  /** A pan gesture began. */
  panstart: PointEventFields;
  /** A pan gesture ended. */
  panend: PointEventFields;
  /** A pinch gesture began. */
  pinchstart: PointEventFields;
  /** A pinch gesture ended. */
  pinchend: PointEventFields;
  /** A rotation gesture began. */
  rotatestart: PointEventFields;
  /** A rotation gesture ended. */
  rotateend: PointEventFields;
}

/** The name of a UI event a model sends (`"button_click"`, `"tap"`, ...): what `model.onEvent` takes. */
export type ModelEventName = keyof ModelEventFields;

/** The values of a model's UI event `N`: its fields and `model`, the model that sent it (an `M`). */
export type ModelEventValues<N extends ModelEventName, M extends Model = Model> = ModelEventFields[N] & {
  /** The model the event is about (the button clicked, the plot tapped). */
  model: M;
};

/**
 * Events about a document rather than a model: `document_ready` (BokehJS rendered the document,
 * from a browser), `client_reconnected` (a browser reconnected, Bokeh 3.9+) and `clear_input`
 * (from a server: empties an input widget, `model`).
 */
export interface DocumentEventFields {
  /** BokehJS rendered the document (sent by each browser). */
  document_ready: {};
  /** A browser's connection was restored (Bokeh 3.9+). */
  client_reconnected: {};
  /** Sent by a server: the input widget `model` is to be emptied. */
  clear_input: {
    /** The input widget to empty. */
    model: Model;
  };
}

/** The name of any UI event a document carries: what `document.onEvent` and `sendEvent` take. */
export type BokehEventName = ModelEventName | keyof DocumentEventFields;

/** The values of UI event `N`, as `document.onEvent` gives them and `sendEvent` takes them. */
export type BokehEventValues<N extends BokehEventName> = N extends ModelEventName
  ? ModelEventValues<N>
  : N extends keyof DocumentEventFields
    ? DocumentEventFields[N]
    : never;

const MODEL_EVENTS: { readonly [N in ModelEventName]: true } = {
  axis_click: true,
  button_click: true,
  file_input_change: true,
  legend_item_click: true,
  menu_item_click: true,
  value_submit: true,
  lodstart: true,
  lodend: true,
  rangesupdate: true,
  selectiongeometry: true,
  reset: true,
  pan: true,
  pinch: true,
  rotate: true,
  wheel: true,
  mousemove: true,
  mouseenter: true,
  mouseleave: true,
  tap: true,
  doubletap: true,
  press: true,
  pressup: true,
  panstart: true,
  panend: true,
  pinchstart: true,
  pinchend: true,
  rotatestart: true,
  rotateend: true,
};

const DOCUMENT_EVENTS: { readonly [N in keyof DocumentEventFields]: true } = { document_ready: true, client_reconnected: true, clear_input: true };

/** A UI event name that is not one of Bokeh's (`model.onEvent("tapp", ...)`): it would never arrive. */
export class EventNameError extends BokehError {
  /** The name given. */
  readonly eventName: unknown;

  constructor(eventName: unknown, modelEvents: boolean) {
    const known = Object.keys(modelEvents ? MODEL_EVENTS : { ...MODEL_EVENTS, ...DOCUMENT_EVENTS });
    super("ERR_BOKEH_EVENT_NAME", `${JSON.stringify(eventName)} is not a Bokeh UI event${modelEvents ? " a model sends" : ""} (those are ${known.join(", ")})`);
    this.eventName = eventName;
  }
}

/** Throws an EventNameError unless `name` is a model's UI event (`modelEvents`) or any UI event. */
export function checkEventName(name: unknown, modelEvents: boolean): void {
  const known = typeof name === "string" && (Object.hasOwn(MODEL_EVENTS, name) || (!modelEvents && Object.hasOwn(DOCUMENT_EVENTS, name)));
  if (!known) throw new EventNameError(name, modelEvents);
}

/** The message a `MessageSent` event carries for a UI event (`msg_type` "bokeh_event"). */
export const UI_EVENT_MESSAGE = "bokeh_event";

/** The name and values of the UI event a `MessageSent` carries, or null when it carries none. */
export function uiEventOf(msgType: string, msgData: unknown): { name: string; values: Record<string, unknown> } | null {
  if (msgType !== UI_EVENT_MESSAGE || !isPlainObject(msgData) || typeof msgData.name !== "string") return null;
  return { name: msgData.name, values: isPlainObject(msgData.values) ? msgData.values : {} };
}
