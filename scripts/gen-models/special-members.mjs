// Hand-written members that the generator adds to a few classes, besides the property
// accessors every class gets:
//
//   - AbstractButton (Button, Toggle, HelpButton, Dropdown): onClick, as Python's on_click,
//     and Dropdown's, which also takes its menu items' clicks;
//   - ColumnDataSource: stream / patch / updateData / length / columnNames and the
//     ColumnDataChanged event for `data`, delegating to the document layer's column
//     operations (src/document/columns.ts), which patches from the peer use too;
//   - Figure: one method per glyph (`fig.line(...)`, `fig.vbar(...)`), named as in
//     Python's bokeh.plotting, delegating to src/models/plotting/glyph-api.ts.
//
// Each entry gives the imports it needs ({from, values, types}), the model classes it uses
// as types, the member names (checked against the class's properties) and the members'
// text (indented for a class body).

/** Python's glyph method names (bokeh.plotting GlyphAPI) -> catalog model. */
export const GLYPH_METHODS = {
  annular_wedge: "AnnularWedge",
  annulus: "Annulus",
  arc: "Arc",
  bezier: "Bezier",
  block: "Block",
  circle: "Circle",
  ellipse: "Ellipse",
  harea: "HArea",
  harea_step: "HAreaStep",
  hbar: "HBar",
  hex_tile: "HexTile",
  hspan: "HSpan",
  hstrip: "HStrip",
  image: "Image",
  image_rgba: "ImageRGBA",
  image_stack: "ImageStack",
  image_url: "ImageURL",
  line: "Line",
  mathml: "MathMLGlyph",
  multi_line: "MultiLine",
  multi_polygons: "MultiPolygons",
  ngon: "Ngon",
  patch: "Patch",
  patches: "Patches",
  quad: "Quad",
  quadratic: "Quadratic",
  ray: "Ray",
  rect: "Rect",
  scatter: "Scatter",
  segment: "Segment",
  spline: "Spline",
  step: "Step",
  tex: "TeXGlyph",
  text: "Text",
  varea: "VArea",
  varea_step: "VAreaStep",
  vbar: "VBar",
  vspan: "VSpan",
  vstrip: "VStrip",
  wedge: "Wedge",
};

const COLUMN_DATA_SOURCE = {
  imports: [
    {
      from: "../../document/columns.js",
      values: ["columnDataChangeEvent", "patchCells", "rowCount", "streamRows", "updateColumns"],
      types: ["ColumnData", "ColumnPatches"],
    },
    { from: "../../document/events.js", values: [], types: ["EventInit"] },
  ],
  names: ["columnNames", "length", "updateData", "stream", "patch", "changeEvent"],
  members: `
  /** Names of the columns. */
  get columnNames(): string[] {
    return Object.keys(this.data);
  }

  /** Number of rows (the length of the first column). */
  get length(): number {
    return rowCount(this.data as ColumnData);
  }

  /** Replaces some columns and keeps the others (Python's \`source.data.update(...)\`). */
  updateData(columns: ColumnData): this {
    updateColumns(this, columns);
    return this;
  }

  /**
   * Appends rows to every column; with \`rollover\`, keeps only the last \`rollover\` rows.
   * Only the new rows are sent to the server.
   */
  stream(rows: ColumnData, rollover?: number): this {
    streamRows(this, rows, rollover);
    return this;
  }

  /**
   * Changes cells in place: \`{ y: [[0, 10], [new Slice({start: 2, stop: 4}), [1, 2]]] }\`.
   * Only the changed cells are sent to the server.
   */
  patch(patches: ColumnPatches): this {
    patchCells(this, patches);
    return this;
  }

  /** Replacing \`data\` is a ColumnDataChanged (not a ModelChanged), as in Bokeh. */
  protected override changeEvent(attr: string, old: unknown, value: unknown): EventInit {
    return columnDataChangeEvent(this, attr, old, value) ?? super.changeEvent(attr, old, value);
  }
`,
};

function figureMembers(classNames) {
  const glyphs = Object.entries(GLYPH_METHODS).map(([method, key]) => ({ method, name: classNames.get(key) }));
  return {
    imports: [
      { from: "../plotting/glyph-api.js", values: ["addGlyph"], types: ["GlyphArgs"] },
      { from: "./glyphs.js", values: glyphs.map(({ name }) => name), types: glyphs.map(({ name }) => `${name}Attributes`) },
    ],
    // model classes the members use as types (imported from wherever they are generated)
    classes: ["GlyphRenderer"],
    names: glyphs.map(({ method }) => method),
    members: glyphs
      .map(
        ({ method, name }) => `
  /** Adds a renderer of a \`${name}\` glyph, like Python's \`figure.${method}(...)\`. */
  ${method}(args: GlyphArgs<${name}Attributes>): GlyphRenderer {
    return addGlyph(this, ${name}, args);
  }
`,
      )
      .join(""),
  };
}

// Buttons: Python's `on_click`, subscribing the button to its click event (document/ui-events.ts).
const ABSTRACT_BUTTON = {
  imports: [{ from: "../../document/model.js", values: [], types: ["ModelEventCallback"] }],
  names: ["onClick"],
  members: `
  /**
   * Calls \`callback\` after each click on the button in a browser (Bokeh's \`button_click\` event),
   * like Python's \`on_click\`: \`model.onEvent("button_click", callback)\`, which subscribes the
   * button (its \`subscribed_events\`) so that BokehJS sends the clicks. Returns a function that
   * removes the callback.
   */
  onClick(callback: ModelEventCallback<"button_click", this>): () => void {
    return this.onEvent("button_click", callback);
  }
`,
};

// A Dropdown's clicks are its button's and its menu items' (values.item), as in Python's Dropdown.on_click.
const DROPDOWN = {
  imports: [{ from: "../../document/model.js", values: [], types: ["ModelEventCallback"] }],
  names: ["onClick"],
  members: `
  /**
   * Calls \`callback\` after each click on the button (\`button_click\`, when \`split\`) or on an item
   * of its menu (\`menu_item_click\`: \`values.item\` is the item's value), like Python's
   * \`Dropdown.on_click\`; subscribes the dropdown to both events. Returns a function that
   * removes the callback.
   */
  override onClick(callback: ModelEventCallback<"button_click" | "menu_item_click", this>): () => void {
    const offClick = this.onEvent("button_click", callback);
    const offItem = this.onEvent("menu_item_click", callback);
    return () => {
      offClick();
      offItem();
    };
  }
`,
};

/** The extra imports and members of the class for catalog key `key`, or null. */
export function specialMembers(key, classNames) {
  if (key === "ColumnDataSource") return { classes: [], ...COLUMN_DATA_SOURCE };
  if (key === "Figure") return figureMembers(classNames);
  if (key === "AbstractButton") return { classes: [], ...ABSTRACT_BUTTON };
  if (key === "Dropdown") return { classes: [], ...DROPDOWN };
  return null;
}
