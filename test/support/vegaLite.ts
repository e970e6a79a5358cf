import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Schema, Validator } from '@cfworker/json-schema';

let validator: Validator | undefined;

/**
 * Errors of a spec against the Vega-Lite JSON schema shipped in the `vega-lite` package (the
 * version the bot renders with); [] when the spec is valid. An interpreting validator: the
 * schema is large, and compiling it (Ajv) costs seconds of CPU other tests are waiting for.
 */
export function vegaLiteErrors(spec: unknown): string[] {
  if (!validator) {
    const require = createRequire(import.meta.url);
    const path = require.resolve('vega-lite/vega-lite-schema.json');
    const schema = JSON.parse(readFileSync(path, 'utf8')) as Schema;
    validator = new Validator(schema, '7', false);
  }
  const result = validator.validate(spec);
  return result.valid
    ? []
    : result.errors.map((error) => `${error.instanceLocation} ${error.error}`).slice(0, 10);
}
