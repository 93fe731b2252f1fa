// Every document recorded from Python Bokeh (python_view documents, PULL-DOC-REPLY and
// PUSH-DOC contents) loads into typed instances and serializes back to the same JSON.
import { describe, expect, test } from "vitest";
import { Document, Model, type DocJson } from "../../src/document/index.js";
import {
  ColumnDataSource,
  DataRange1d,
  Figure,
  GlyphRenderer,
  Line,
  Plot,
  Selection,
  TypedModel,
} from "../../src/models/index.js";
import { loadTranscript, recordedMessage, scenarioNames } from "../helpers/transcripts.js";

interface RecordedDoc {
  where: string;
  doc: DocJson;
}

function recordedDocuments(): RecordedDoc[] {
  const found: RecordedDoc[] = [];
  for (const scenario of scenarioNames()) {
    const t = loadTranscript(scenario);
    for (const [key, value] of Object.entries(t.python_view ?? {})) {
      if (value !== null && typeof value === "object" && Array.isArray((value as DocJson).roots)) {
        found.push({ where: `${scenario} python_view.${key}`, doc: value as DocJson });
      }
    }
    for (const info of t.messages) {
      if (!info.complete || (info.msgtype !== "PULL-DOC-REPLY" && info.msgtype !== "PUSH-DOC")) continue;
      const message = recordedMessage(t, info.index);
      found.push({ where: `${scenario} ${info.msgtype} ${info.msgid}`, doc: (message.content as { doc: DocJson }).doc });
    }
  }
  return found;
}

const documents = recordedDocuments();

function withoutVersion(doc: DocJson): DocJson {
  const { version: _version, ...rest } = doc;
  return rest;
}

test("the fixtures hold the documents this test is about", () => {
  expect(documents.length).toBeGreaterThan(60);
  expect(documents.some((d) => d.where.includes("PUSH-DOC"))).toBe(true);
  expect(documents.some((d) => d.where.includes("PULL-DOC-REPLY"))).toBe(true);
});

describe("round trip of every recorded document", () => {
  test.each(documents.map((d) => [d.where, d.doc] as const))("%s", (_where, json) => {
    const doc = Document.fromJSON(json);
    expect(withoutVersion(doc.toJSON())).toEqual(withoutVersion(json));
    for (const model of doc.models) {
      if (model.type === "UnknownToServer") {
        // f01: a type Bokeh does not know stays a generic model
        expect(model).not.toBeInstanceOf(TypedModel);
        expect(model.constructor).toBe(Model);
      } else {
        expect(model, model.type).toBeInstanceOf(TypedModel);
      }
    }
  });
});

test("pulled documents are made of typed instances", () => {
  const t = loadTranscript("a_pull_session");
  const json = t.python_view.client_document as DocJson;
  const doc = Document.fromJSON(json);
  const plot = doc.getModelByName("plot");
  expect(plot).toBeInstanceOf(Figure);
  expect(plot).toBeInstanceOf(Plot);
  const fig = plot as Figure;
  expect(fig.x_range).toBeInstanceOf(DataRange1d);
  const renderer = fig.renderers[0];
  expect(renderer).toBeInstanceOf(GlyphRenderer);
  const glyph = (renderer as GlyphRenderer).glyph;
  expect(glyph).toBeInstanceOf(Line);
  expect((glyph as Line).line_width).toBe(2);
  const source = doc.getModelByName("source");
  expect(source).toBeInstanceOf(ColumnDataSource);
  expect((source as ColumnDataSource).selected).toBeInstanceOf(Selection);
  expect((source as ColumnDataSource).length).toBe(10);
  // reading defaults of pulled models changes nothing that is serialized
  expect(fig.toolbar_location).toBe("right");
  expect(fig.min_border).toBe(5);
  expect(withoutVersion(doc.toJSON())).toEqual(withoutVersion(json));
});
