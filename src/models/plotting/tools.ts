/**
 * The `tools` argument of figure(): tool names as Python's bokeh.plotting
 * knows them ("pan,wheel_zoom,box_zoom,save,reset,help"), tool models, and the
 * `tooltips` and `active_*` options.
 */
import { BokehError } from "../../util/errors.js";
import {
  BoxSelectTool,
  BoxZoomTool,
  ClickPanTool,
  CopyTool,
  CrosshairTool,
  ExamineTool,
  FullscreenTool,
  HelpTool,
  HoverTool,
  LassoSelectTool,
  PanTool,
  PolySelectTool,
  RedoTool,
  ResetTool,
  SaveTool,
  TapTool,
  Tool,
  UndoTool,
  WheelPanTool,
  WheelZoomTool,
  ZoomInTool,
  ZoomOutTool,
  type HoverToolAttributes,
  type Toolbar,
} from "../generated/tools.js";

/** Python's default figure tools. */
export const DEFAULT_TOOLS = "pan,wheel_zoom,box_zoom,save,reset,help";

/** A bad `tools` or `active_*` argument. */
export class ToolArgumentError extends BokehError {
  constructor(message: string) {
    super("ERR_BOKEH_TOOL_ARGUMENTS", message);
  }
}

/** A tool name Python's figure() understands (Tool.register_alias in bokeh.models.tools). */
export type ToolAlias =
  | "pan"
  | "xpan"
  | "ypan"
  | "pan_left"
  | "pan_right"
  | "pan_up"
  | "pan_down"
  | "pan_west"
  | "pan_east"
  | "pan_north"
  | "pan_south"
  | "xwheel_pan"
  | "ywheel_pan"
  | "wheel_zoom"
  | "xwheel_zoom"
  | "ywheel_zoom"
  | "zoom_in"
  | "xzoom_in"
  | "yzoom_in"
  | "zoom_out"
  | "xzoom_out"
  | "yzoom_out"
  | "click"
  | "tap"
  | "doubletap"
  | "crosshair"
  | "xcrosshair"
  | "ycrosshair"
  | "box_select"
  | "xbox_select"
  | "ybox_select"
  | "poly_select"
  | "lasso_select"
  | "box_zoom"
  | "xbox_zoom"
  | "ybox_zoom"
  | "auto_box_zoom"
  | "save"
  | "copy"
  | "undo"
  | "redo"
  | "reset"
  | "help"
  | "examine"
  | "fullscreen"
  | "hover";

// The tool each name makes (the `satisfies` checks the names are exactly ToolAlias's).
const ALIASES = {
  pan: () => new PanTool({ dimensions: "both" }),
  xpan: () => new PanTool({ dimensions: "width" }),
  ypan: () => new PanTool({ dimensions: "height" }),
  pan_left: () => new ClickPanTool({ direction: "left" }),
  pan_right: () => new ClickPanTool({ direction: "right" }),
  pan_up: () => new ClickPanTool({ direction: "up" }),
  pan_down: () => new ClickPanTool({ direction: "down" }),
  pan_west: () => new ClickPanTool({ direction: "west" }),
  pan_east: () => new ClickPanTool({ direction: "east" }),
  pan_north: () => new ClickPanTool({ direction: "north" }),
  pan_south: () => new ClickPanTool({ direction: "south" }),
  xwheel_pan: () => new WheelPanTool({ dimension: "width" }),
  ywheel_pan: () => new WheelPanTool({ dimension: "height" }),
  wheel_zoom: () => new WheelZoomTool({ dimensions: "both" }),
  xwheel_zoom: () => new WheelZoomTool({ dimensions: "width" }),
  ywheel_zoom: () => new WheelZoomTool({ dimensions: "height" }),
  zoom_in: () => new ZoomInTool({ dimensions: "both" }),
  xzoom_in: () => new ZoomInTool({ dimensions: "width" }),
  yzoom_in: () => new ZoomInTool({ dimensions: "height" }),
  zoom_out: () => new ZoomOutTool({ dimensions: "both" }),
  xzoom_out: () => new ZoomOutTool({ dimensions: "width" }),
  yzoom_out: () => new ZoomOutTool({ dimensions: "height" }),
  click: () => new TapTool({ behavior: "inspect" }),
  tap: () => new TapTool(),
  doubletap: () => new TapTool({ gesture: "doubletap" }),
  crosshair: () => new CrosshairTool(),
  xcrosshair: () => new CrosshairTool({ dimensions: "width" }),
  ycrosshair: () => new CrosshairTool({ dimensions: "height" }),
  box_select: () => new BoxSelectTool(),
  xbox_select: () => new BoxSelectTool({ dimensions: "width" }),
  ybox_select: () => new BoxSelectTool({ dimensions: "height" }),
  poly_select: () => new PolySelectTool(),
  lasso_select: () => new LassoSelectTool(),
  box_zoom: () => new BoxZoomTool({ dimensions: "both" }),
  xbox_zoom: () => new BoxZoomTool({ dimensions: "width" }),
  ybox_zoom: () => new BoxZoomTool({ dimensions: "height" }),
  auto_box_zoom: () => new BoxZoomTool({ dimensions: "auto" }),
  save: () => new SaveTool(),
  copy: () => new CopyTool(),
  undo: () => new UndoTool(),
  redo: () => new RedoTool(),
  reset: () => new ResetTool(),
  help: () => new HelpTool(),
  examine: () => new ExamineTool(),
  fullscreen: () => new FullscreenTool(),
  hover: () =>
    new HoverTool({
      tooltips: [
        ["index", "$index"],
        ["data (x, y)", "($x, $y)"],
        ["screen (x, y)", "($sx, $sy)"],
      ],
    }),
} satisfies Record<ToolAlias, () => Tool>;

/** What `figure({ tooltips })` takes: a hover tool's `tooltips` (a template, or `[label, value]` pairs). */
export type Tooltips = HoverToolAttributes["tooltips"];

/** The tools for `tools` (names separated by commas, or a list of names and tools), and the named ones by name. */
export function makeTools(tools: string | readonly (string | Tool)[], tooltips: Tooltips | undefined): { tools: Tool[]; byName: Map<string, Tool> } {
  const made: Tool[] = [];
  const byName = new Map<string, Tool>();
  const names: string[] = [];
  for (const tool of typeof tools === "string" ? [tools] : tools) {
    if (typeof tool === "string") names.push(...tool.split(","));
    else made.push(tool);
  }
  for (const raw of names) {
    const name = raw.trim();
    if (name === "") continue;
    const create = Object.prototype.hasOwnProperty.call(ALIASES, name) ? ALIASES[name as ToolAlias] : undefined;
    if (create === undefined) throw new ToolArgumentError(`unknown tool name '${name}'; known names: ${Object.keys(ALIASES).join(", ")}`);
    const tool = create();
    made.push(tool);
    byName.set(name, tool);
  }
  if (tooltips !== undefined && tooltips !== null) {
    const hover = made.find((tool) => tool instanceof HoverTool);
    if (hover !== undefined) hover.tooltips = tooltips;
    else made.push(new HoverTool({ tooltips }));
  }
  return { tools: made, byName };
}

/** An `active_*` option: "auto", null, a tool, a tool name given in `tools`, or (inspectors) a list of tools. */
export type ActiveTool = "auto" | null | string | Tool;

const ACTIVE = ["active_drag", "active_inspect", "active_scroll", "active_tap", "active_multi"] as const satisfies readonly (keyof ActiveOptions)[];

/** figure()'s options that choose the toolbar's active tools, as Python's `active_drag=...`. */
export interface ActiveOptions {
  /** The active drag tool: `"auto"`, null (none), a name from `tools`, or a tool. */
  active_drag?: ActiveTool | Tool[];
  /** The active inspectors: `"auto"`, null (none), a name from `tools`, or tools. */
  active_inspect?: ActiveTool | Tool[];
  /** The active scroll tool: `"auto"`, null (none), a name from `tools`, or a tool. */
  active_scroll?: ActiveTool | Tool[];
  /** The active tap tool: `"auto"`, null (none), a name from `tools`, or a tool. */
  active_tap?: ActiveTool | Tool[];
  /** The active multi-gesture tool: `"auto"`, null (none), a name from `tools`, or a tool. */
  active_multi?: ActiveTool | Tool[];
}

/** Python's process_active_tools: resolves tool names and sets the toolbar's `active_*`. */
export function setActiveTools(toolbar: Toolbar, byName: ReadonlyMap<string, Tool>, options: ActiveOptions): void {
  for (const attr of ACTIVE) {
    const value = options[attr];
    if (value === undefined) continue;
    if (value === "auto" || value === null || value instanceof Tool || Array.isArray(value)) {
      toolbar.set(attr, value);
    } else {
      const tool = byName.get(value);
      if (tool === undefined) throw new ToolArgumentError(`${attr} '${value}' is not one of the tools given in 'tools'`);
      toolbar.set(attr, tool);
    }
  }
}
