import { Parser } from '@asyncapi/parser';
import fs from 'fs';
const parser = new Parser();
const { document, diagnostics } = await parser.parse(fs.readFileSync(process.argv[2], 'utf8'));
const errors = diagnostics.filter(d => d.severity === 0);
for (const d of diagnostics) console.log(['error','warning','info','hint'][d.severity], d.code, d.message, JSON.stringify(d.path));
console.log(`errors: ${errors.length}, diagnostics: ${diagnostics.length}, channels: ${document ? document.channels().length : 0}`);
process.exit(errors.length ? 1 : 0);
