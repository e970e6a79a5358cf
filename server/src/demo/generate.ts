// Rewrites demo.sql from the deterministic generator: `npx tsx server/src/demo/generate.ts`.
// Commit the result; ensureDemoDatabase rebuilds demo databases whose SQL differs.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderDemoSql } from './demoData.js';

const target = fileURLToPath(new URL('./demo.sql', import.meta.url));
const sql = renderDemoSql();
writeFileSync(target, sql);
process.stdout.write(`wrote ${target} (${Buffer.byteLength(sql)} bytes)\n`);
