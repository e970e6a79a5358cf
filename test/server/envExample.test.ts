import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BOT_ENVIRONMENT_VARIABLES } from '../../bot/src/config.js';
import { ENVIRONMENT_VARIABLES } from '../../server/src/config.js';

const ROOT = resolve(import.meta.dirname, '../..');

describe('.env.example', () => {
  it('lists every variable the server and the bot read, and nothing they do not', async () => {
    const text = await readFile(join(ROOT, '.env.example'), 'utf8');
    const listed = [...text.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]);
    const compose = await readFile(join(ROOT, 'docker-compose.yml'), 'utf8');
    const composeOnly = new Set([...compose.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]));

    const read = new Set([...ENVIRONMENT_VARIABLES, ...BOT_ENVIRONMENT_VARIABLES]);
    expect(read.size).toBeGreaterThan(30);
    for (const name of read) expect(listed, `${name} is missing`).toContain(name);
    for (const name of listed) {
      expect(read.has(name as string) || composeOnly.has(name), `${name} is read by nothing`).toBe(
        true,
      );
    }
    expect(new Set(listed).size, 'a variable is listed twice').toBe(listed.length);
  });
});
