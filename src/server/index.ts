import "../models/registry.js"; // typed models in the apps' documents, whatever else the program imports (docs/module-state.md)
export { BokehServer, type BokehServerOptions } from "./server.js";
export type { Application, SessionContext, SessionRequest } from "./application.js";
export { ServerSession, type Log } from "./server-session.js";
export { ServerConnection } from "./server-connection.js";
export { originAllowed } from "./origin.js";
export { ServerBusyError, type ServerLimits } from "./limits.js";
export { ListenError } from "./errors.js";
export { SERVER_BOKEH_VERSIONS, type ServerBehaviour, type ServerBokehVersion } from "./versions.js";
export { UnsupportedVersionError } from "../protocol/errors.js";
export type { DocumentFormat } from "../protocol/document-format.js";
