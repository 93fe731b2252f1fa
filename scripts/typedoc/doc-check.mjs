/**
 * TypeDoc plugin: with `treatWarningsAsErrors`, every public symbol must have a doc
 * comment (the generated model classes too: scripts/gen-models writes one for every
 * declaration), except the symbols listed in scripts/typedoc/undocumented.txt: public
 * symbols that had no comment when the check was introduced, in code owned by others.
 * The list only shrinks: a new undocumented symbol fails the check, and an entry that no
 * longer warns is reported so it can be deleted. `UPDATE_UNDOCUMENTED=1 npm run docs`
 * rewrites the list from the current warnings.
 */
import { readFileSync, writeFileSync } from "node:fs";

const LIST = new URL("./undocumented.txt", import.meta.url);

/** @param {import("typedoc").Application} app */
export function load(app) {
  const { logger } = app;
  const listed = new Set(
    readFileSync(LIST, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "" && !line.startsWith("#")),
  );
  const seen = new Set();
  const update = process.env.UPDATE_UNDOCUMENTED === "1";
  /** Whether a warning is one of the known ones (then it is counted, not logged). */
  const known = (message) => {
    const text = String(message);
    if (listed.has(text) || update) {
      seen.add(text);
      return true;
    }
    return false;
  };
  // Validation warnings go through validationWarning() (which counts them) and then warn().
  for (const method of ["validationWarning", "warn"]) {
    const original = logger[method].bind(logger);
    logger[method] = (message, ...rest) => {
      if (!known(message)) original(message, ...rest);
    };
  }
  // After validation, which warns as it goes (the "validationRun" event comes before the checks).
  process.once("exit", () => {
    if (update) {
      const header = readFileSync(LIST, "utf8").split("\n").filter((line) => line.startsWith("#"));
      writeFileSync(LIST, `${[...header, ...[...seen].sort()].join("\n")}\n`);
      logger.info(`scripts/typedoc/undocumented.txt: ${seen.size} entries written`);
      return;
    }
    logger.info(`${seen.size} listed public symbols still have no doc comment (scripts/typedoc/undocumented.txt)`);
    const stale = [...listed].filter((entry) => !seen.has(entry));
    if (stale.length > 0) logger.info(`${stale.length} entries of scripts/typedoc/undocumented.txt no longer apply: delete them (UPDATE_UNDOCUMENTED=1 npm run docs)`);
  });
}
