/** base64url without padding, as Bokeh's tokens and signatures use it. */
export function base64urlEncode(data: Uint8Array | string): string {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return bytes.toString("base64url");
}

export function base64urlDecode(text: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) {
    throw new TypeError("not a base64url string");
  }
  return Buffer.from(text, "base64url");
}
