import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { QUARRY_COMMAND } from '../../../bot/src/listeners/commands/quarryCommand.js';
import { EVENTS_PATH } from '../../../bot/src/slack/boltApp.js';
import { BOT_EVENTS, COMMANDS_SCOPE, METHOD_SCOPES } from '../../../bot/src/slack/slackNeeds.js';

const ROOT = resolve(import.meta.dirname, '../../..');

interface Manifest {
  features: {
    app_home: { messages_tab_enabled: boolean; messages_tab_read_only_enabled: boolean };
    slash_commands: { command: string; url: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string };
  };
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Every Web API method the bot's code calls through its WebClient (`client.chat.update(`…). */
async function calledMethods(): Promise<Set<string>> {
  const methods = new Set<string>();
  for (const file of await sourceFiles(join(ROOT, 'bot/src'))) {
    const text = await readFile(file, 'utf8');
    for (const match of text.matchAll(/\bclient\.([a-z]+)\.([a-zA-Z]+)\(/g)) {
      methods.add(`${match[1]}.${match[2]}`);
    }
    if (/\bclient\.filesUploadV2\(/.test(text)) {
      methods.add('files.getUploadURLExternal').add('files.completeUploadExternal');
    }
  }
  return methods;
}

describe('slack-manifest.yml', () => {
  it('grants every scope, event and URL the bot uses', async () => {
    const manifest = parse(await readFile(join(ROOT, 'slack-manifest.yml'), 'utf8')) as Manifest;
    const scopes = new Set(manifest.oauth_config.scopes.bot);

    const methods = await calledMethods();
    expect(methods.size).toBeGreaterThan(5);
    for (const method of methods) {
      // A method the bot calls but slackNeeds.ts does not know would escape this check.
      expect(Object.keys(METHOD_SCOPES), `${method} is missing from slackNeeds.ts`).toContain(
        method,
      );
      const scope = METHOD_SCOPES[method];
      if (scope) expect([...scopes], `scope for ${method}`).toContain(scope);
    }
    for (const [event, scope] of Object.entries(BOT_EVENTS)) {
      expect(manifest.settings.event_subscriptions.bot_events).toContain(event);
      expect([...scopes]).toContain(scope);
    }
    expect([...scopes]).toContain(COMMANDS_SCOPE);

    const commands = manifest.features.slash_commands;
    expect(commands.map((command) => command.command)).toEqual([QUARRY_COMMAND]);
    const urls = [
      manifest.settings.event_subscriptions.request_url,
      manifest.settings.interactivity.request_url,
      ...commands.map((command) => command.url),
    ];
    for (const url of urls) expect(new URL(url).pathname).toBe(EVENTS_PATH);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    // Direct messages need the App Home's Messages tab, writable.
    expect(manifest.features.app_home).toMatchObject({
      messages_tab_enabled: true,
      messages_tab_read_only_enabled: false,
    });
  });
});
