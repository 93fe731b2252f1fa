/**
 * The library under test, as one object (`FuzzLib`): built code from dist/ for
 * scripts/fuzz.mjs; test/fuzz/lib.ts builds the same object from src/.
 */
import { pathToFileURL } from "node:url";
import { join } from "node:path";

export const LIB_MODULES = ["protocol/index.js", "protocol/content.js", "serialization/index.js", "document/index.js", "util/errors.js"];

/** Imports the library from a build directory (dist/). */
export async function loadLib(dist) {
  const [protocol, content, serialization, document, errors] = await Promise.all(LIB_MODULES.map((m) => import(pathToFileURL(join(dist, m)).href)));
  return makeLib({ protocol, content, serialization, document, errors });
}

const wireText = (frame) => (typeof frame === "string" ? frame : frame.toBuffer());

/** Picks what the fuzzers use out of the library's modules. */
export function makeLib({ protocol, content, serialization, document, errors }) {
  return {
    Receiver: protocol.Receiver,
    createMessage: protocol.createMessage,
    isMsgType: protocol.isMsgType,
    messageFrames: protocol.messageFrames,
    // Frames as the bytes that go on the wire (TextPieces joined).
    contentFrame: (...args) => wireText(content.contentFrame(...args)),
    parseContent: content.parseContent,
    Encoder: serialization.Encoder,
    Decoder: serialization.Decoder,
    NDArray: serialization.NDArray,
    ObjectValue: serialization.ObjectValue,
    Slice: serialization.Slice,
    SerializationError: serialization.SerializationError,
    Document: document.Document,
    Model: document.Model,
    ColumnDataSource: document.ColumnDataSource,
    applyPatch: document.applyPatch,
    serializePatch: document.serializePatch,
    documentContent: (...args) => {
      const result = document.documentContent(...args);
      return { ...result, frame: wireText(result.frame) };
    },
    BokehError: errors.BokehError,
  };
}
