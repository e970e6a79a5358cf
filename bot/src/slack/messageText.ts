/**
 * The question in a Slack message as a person wrote it: the bot's mention removed, Slack's
 * `<…>` markup (mentions, channels, links) turned back into readable text and `&amp;`, `&lt;`,
 * `&gt;` decoded, so "salary &gt; 20000" reaches the model as "salary > 20000".
 */
export function questionFromSlackText(text: string | undefined, botUserId: string): string {
  if (!text) return '';
  return text
    .replace(new RegExp(`<@${escapeRegExp(botUserId)}(\\|[^>]*)?>`, 'g'), ' ')
    .replace(/<@([A-Z0-9]+)\|([^>]+)>/g, '@$2')
    .replace(/<@([A-Z0-9]+)>/g, '@$1')
    .replace(/<#[A-Z0-9]+\|([^>]*)>/g, '#$1')
    .replace(/<!(here|channel|everyone)(\|[^>]*)?>/g, '@$1')
    .replace(/<!subteam\^[A-Z0-9]+\|([^>]+)>/g, '$1')
    .replace(/<(?:mailto:)?([^>|]+)\|([^>]+)>/g, '$2')
    .replace(/<(?:mailto:)?([^>]+)>/g, '$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Whether the text mentions the bot (then `app_mention` brings the same message). */
export function mentionsUser(text: string | undefined, userId: string): boolean {
  return text?.includes(`<@${userId}>`) === true || text?.includes(`<@${userId}|`) === true;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
