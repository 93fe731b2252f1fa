/** Types of scripts/fuzz/index.mjs, for the vitest suites in test/fuzz. */
import type { Arbitrary, IPropertyWithHooks } from "fast-check";

/** The library under test (built from src/ by the tests, from dist/ by scripts/fuzz.mjs). */
export interface FuzzLib {
  Receiver: new (options?: { maxMessageSize?: number; maxBuffers?: number }) => {
    consumeText(frame: string | Uint8Array): FuzzMessage | null;
    consumeBinary(bytes: Uint8Array): FuzzMessage | null;
  };
  createMessage: (...args: any[]) => any;
  isMsgType: (value: unknown) => boolean;
  messageFrames: (...args: any[]) => any[];
  contentFrame: (...args: any[]) => string | Uint8Array;
  parseContent: (...args: any[]) => unknown;
  Encoder: new (options?: any) => any;
  Decoder: new (options: any) => any;
  NDArray: new (...args: any[]) => any;
  ObjectValue: new (...args: any[]) => any;
  Slice: new (...args: any[]) => any;
  SerializationError: abstract new (...args: any[]) => Error;
  Document: any;
  Model: any;
  ColumnDataSource: any;
  applyPatch: (...args: any[]) => any;
  serializePatch: (...args: any[]) => any;
  documentContent: (...args: any[]) => any;
  BokehError: abstract new (...args: any[]) => Error & { code: string };
}

export interface FuzzMessage {
  header: { msgid: string; msgtype: string; reqid?: string; num_buffers?: number };
  metadata: Record<string, unknown>;
  content: unknown;
  buffers: Map<string, Uint8Array>;
}

export interface FuzzFrame {
  kind: "text" | "binary";
  bytes: Uint8Array;
  asString?: boolean;
}

export interface Corpus {
  transcripts: { name: string; messages: { dir: string; msgtype: string | null; frames: FuzzFrame[] }[]; streams: FuzzFrame[][]; docText: string }[];
  pool: FuzzFrame[];
  synthetic?: { name: string; docText: string; messages: { dir: string; msgtype: string; frames: FuzzFrame[]; big?: boolean }[] };
}

export interface MutationInput {
  source: string;
  docFrom: string;
  frames: FuzzFrame[];
  receiver: { maxMessageSize: number; maxBuffers: number };
  docText: string;
}

export interface Difference {
  path: string;
  why: string;
}

export class Finding extends Error {
  constructor(kind: string, message: string, cause?: unknown, about?: string);
  readonly kind: string;
  readonly detail: string;
  readonly signature: string;
}

export class PollutionGuard {
  /** Changes to the built-ins since construction (undone), or null. `all`: check every built-in now. */
  check(all?: boolean): string | null;
}

export class Rng {
  constructor(seed: number);
  u32(): number;
  int(n: number): number;
}

export interface PropertyCase<T> {
  arb: Arbitrary<T>;
  run(value: T): unknown;
}

export function mix32(...values: number[]): number;
export function isTypedError(lib: FuzzLib, error: unknown): boolean;
export function compareValues(lib: FuzzLib, expected: unknown, actual: unknown): Difference | null;
export function pollutionFinding(report: string): Finding;
export function compareDocuments(lib: FuzzLib, expected: unknown, actual: unknown): Difference | null;
export function toBase64(bytes: Uint8Array): string;

export const DEFAULT_RECEIVER: { maxMessageSize: number; maxBuffers: number };
export function loadCorpus(fixturesDir: string): Corpus;
export function addSyntheticMessages(lib: FuzzLib, corpus: Corpus): Corpus;
export function docTextOf(corpus: Corpus, name: string): string;
export function mutationInput(corpus: Corpus, seed: number, index: number): MutationInput;
export function runMutationInput(lib: FuzzLib, input: MutationInput): Finding | null;
export function feedFrames(lib: FuzzLib, frames: FuzzFrame[], options?: { receiver?: { maxMessageSize?: number; maxBuffers?: number }; docText?: string; echo?: boolean }): number;
export function consumeMessage(lib: FuzzLib, message: FuzzMessage, session: string | { docText: string; doc: unknown }, echo?: boolean): void;
export function checkDocument(lib: FuzzLib, doc: unknown, where: string): void;

export function asProperty<T>(c: PropertyCase<T>): IPropertyWithHooks<[T]>;
export function checkValueRoundTrip(lib: FuzzLib, value: unknown, options?: { mode?: "inline" | "binary" | "blob"; textAs?: "string" | "bytes" }): "accepted" | "rejected";
export function checkDocumentRoundTrip(lib: FuzzLib, doc: unknown, options?: { textAs?: "string" | "bytes" }): void;
export function checkWireRep(lib: FuzzLib, rep: unknown, buffers: Map<string, Uint8Array>): "accepted" | "rejected";
export function checkPatch(lib: FuzzLib, docText: string, patch: { events: unknown[]; buffers: Map<string, Uint8Array> }): void;
export function freshFactory(lib: FuzzLib): { resolve(id: string): unknown; create(type: string, id: string): unknown; initialize(model: unknown, attributes: Record<string, unknown>): void };
export function valuesCase(lib: FuzzLib, options?: { big?: boolean }): PropertyCase<unknown>;
export function junkCase(lib: FuzzLib): PropertyCase<unknown>;
export function documentsCase(lib: FuzzLib, options?: { big?: boolean }): PropertyCase<unknown>;
export function wireCase(lib: FuzzLib): PropertyCase<unknown>;
export function patchesCase(lib: FuzzLib, docText: string): PropertyCase<unknown>;

export function valueArb(lib: FuzzLib, options?: { withModels?: boolean; big?: boolean; maxDepth?: number }): Arbitrary<unknown>;
export function modelGraphArb(lib: FuzzLib, options?: { big?: boolean; maxDepth?: number }): Arbitrary<{ models: unknown[]; value: unknown }>;
export function documentArb(lib: FuzzLib, options?: { big?: boolean; maxDepth?: number }): Arbitrary<unknown>;
export function junkArb(lib: FuzzLib): Arbitrary<unknown>;
export function wireArb(options?: { ids?: string[]; bufferIds?: string[]; maxDepth?: number }): Arbitrary<unknown>;
export function objectFrom(entries: [string, unknown][], proto?: object | null): Record<string, unknown>;

export function makeLib(modules: { protocol: object; content: object; serialization: object; document: object; errors: object }): FuzzLib;
