/** Everything the vitest suites (test/fuzz) use from the fuzzing harness. */
export { compareDocuments, compareValues, Finding, isTypedError, mix32, pollutionFinding, PollutionGuard, Rng, toBase64 } from "./core.mjs";
export { addSyntheticMessages, checkDocument, consumeMessage, DEFAULT_RECEIVER, docTextOf, feedFrames, loadCorpus, mutationInput, runMutationInput } from "./harness.mjs";
export { asProperty, checkDocumentRoundTrip, checkPatch, checkValueRoundTrip, checkWireRep, documentsCase, freshFactory, junkCase, patchesCase, valuesCase, wireCase } from "./properties.mjs";
export { documentArb, junkArb, modelGraphArb, valueArb, wireArb, objectFrom } from "./arbitraries.mjs";
export { makeLib } from "./lib.mjs";
