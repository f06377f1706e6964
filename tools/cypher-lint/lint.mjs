#!/usr/bin/env node
// Parse saved queries with Neo4j's own Cypher grammar and semantic checks (as Cypher 5).
// Usage: node lint.mjs [file.cypher ...]   (default: every queries/*.cypher of the project)
// Prints a JSON array of {file, line, column, message} (1-based) and exits 1 if any.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isNotParamError, lintCypherQuery } from '@neo4j-cypher/language-support';

const PREFIX = 'CYPHER 5\n';
const here = dirname(fileURLToPath(import.meta.url));
const queries = resolve(here, '..', '..', 'queries');
const files = process.argv.length > 2
  ? process.argv.slice(2)
  : readdirSync(queries).filter((name) => name.endsWith('.cypher')).sort().map((name) => join(queries, name));

const errors = [];
for (const file of files) {
  const { diagnostics } = lintCypherQuery(PREFIX + readFileSync(file, 'utf8'), {});
  for (const d of diagnostics) {
    // severity 1 = error; "parameter not defined" only means no values were supplied
    if (d.severity !== 1 || !isNotParamError(d)) continue;
    errors.push({ file, line: d.range.start.line, column: d.range.start.character + 1, message: d.message });
  }
}
process.stdout.write(JSON.stringify(errors, null, 1) + '\n');
process.exit(errors.length ? 1 : 0);
