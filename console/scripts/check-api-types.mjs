// The console's API types must be the API's: regenerate them from docs/openapi.json in memory and
// fail, naming the fix, when they differ from src/api/schema.d.ts.
import { readFileSync } from "node:fs";
import openapiTS, { astToString } from "openapi-typescript";

const document = new URL("../../docs/openapi.json", import.meta.url);
const committed = readFileSync(new URL("../src/api/schema.d.ts", import.meta.url), "utf8");
const fresh = astToString(await openapiTS(JSON.parse(readFileSync(document, "utf8"))));
const body = (text) => text.replace(/^\/\*\*[\s\S]*?\*\/\s*/, "").trim();
if (body(fresh) !== body(committed)) {
  console.error("console/src/api/schema.d.ts is not docs/openapi.json's: run `npm --prefix console run api-types` and commit it");
  process.exit(1);
}
