// The local checks agree with what Bokeh itself produces: every catalog default (of every
// version) and every value Python sent in the recorded documents passes validation.
import { expect, test } from "vitest";
import { Document, type DocJson } from "../../src/document/index.js";
import { TypedModel } from "../../src/models/index.js";
import { INVALID } from "../../src/models/dataspec.js";
import { decodeDefault } from "../../src/models/defaults.js";
import { isKnownType } from "../../src/models/catalog.js";
import { CATALOG_NAMES, CATALOG_VERSIONS } from "../../src/models/generated/catalog-data.js";
import { modelInfo } from "../../src/models/model-info.js";
import { loadTranscript, recordedMessage, scenarioNames } from "../helpers/transcripts.js";

test("every plain and mutable default of every model passes its own property's check, in every version", () => {
  const failures: string[] = [];
  let checked = 0;
  for (const version of CATALOG_VERSIONS) {
    for (const name of CATALOG_NAMES) {
      if (!isKnownType(name, version)) continue;
      for (const prop of modelInfo(name, version).properties.values()) {
        if (prop.default.type !== "plain" && prop.default.type !== "mutable") continue;
        checked++;
        if (prop.coerce(decodeDefault(prop.default.value)) === INVALID) failures.push(`${version} ${name}.${prop.name}`);
      }
    }
  }
  expect(checked).toBeGreaterThan(5 * 5000);
  expect(failures).toEqual([]);
});

test("every attribute Python sent in the recorded documents passes validation", () => {
  const failures = new Set<string>();
  let checked = 0;
  for (const scenario of scenarioNames()) {
    const t = loadTranscript(scenario);
    const docs: DocJson[] = [];
    for (const v of Object.values(t.python_view ?? {})) if (v !== null && typeof v === "object" && Array.isArray((v as DocJson).roots)) docs.push(v as DocJson);
    for (const info of t.messages) {
      if (info.complete && (info.msgtype === "PULL-DOC-REPLY" || info.msgtype === "PUSH-DOC")) {
        docs.push((recordedMessage(t, info.index).content as { doc: DocJson }).doc);
      }
    }
    for (const json of docs) {
      for (const model of Document.fromJSON(json).models) {
        if (!(model instanceof TypedModel)) continue;
        const properties = modelInfo(model.type).properties;
        for (const [attr, value] of Object.entries(model.attributes())) {
          checked++;
          const prop = properties.get(attr);
          if (prop === undefined || prop.coerce(value) === INVALID) failures.add(`${model.type}.${attr} = ${JSON.stringify(value)}`);
        }
      }
    }
  }
  expect(checked).toBeGreaterThan(1000);
  expect([...failures]).toEqual([]);
});
