export { serverDocument, serverSession, EmbedError, type ServerDocumentOptions, type ServerSessionOptions } from "./server.js";
