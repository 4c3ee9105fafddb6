// Someone else's validator of each page's structured data and sharing tags:
// structured-data-testing-tool (pinned in package.json) with its Google and
// SocialMedia presets. tests/test_structured_data.py runs it:
//
//   node tests/structured-data.mjs '{"files": ["site/index.html", ...], "schemas": ["MedicalWebPage"]}'
//
// Prints one JSON object: {file: {schemas, passed, warnings, failed: [...]}}.
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";

const require = createRequire(import.meta.url);
const { structuredDataTest } = require("structured-data-testing-tool");
const { Google, SocialMedia } = require("structured-data-testing-tool/presets");

const { files, schemas } = JSON.parse(process.argv[2]);
const report = {};
for (const file of files) {
  let result;
  try {
    result = await structuredDataTest(readFileSync(file), { presets: [Google, SocialMedia], schemas });
  } catch (error) {
    if (error.type !== "VALIDATION_FAILED") throw error;
    result = error.res;
  }
  report[file] = {
    schemas: result.schemas,
    passed: result.passed.length,
    warnings: result.warnings.length,
    failed: result.failed.map(test => `${test.group || ""} ${test.description || test.test}: ${test.error && test.error.message || ""}`),
  };
}
console.log(JSON.stringify(report));
