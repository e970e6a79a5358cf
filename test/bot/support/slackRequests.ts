import { createHmac, randomBytes } from 'node:crypto';

/** Slack's v0 request signature: HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret. */
export function slackSignature(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SignedPostOptions {
  /** `x-slack-retry-num`: Slack's redelivery of an event. */
  retryNum?: number;
  /** Sign with this secret instead (a forged request). */
  secret?: string;
  timestamp?: number;
}

/** Posts a body to the bot's `/slack/events` exactly as Slack does, signature included. */
export async function postSigned(
  eventsUrl: string,
  secret: string,
  body: string,
  contentType: string,
  options: SignedPostOptions = {},
): Promise<Response> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-slack-request-timestamp': String(timestamp),
    'x-slack-signature': slackSignature(options.secret ?? secret, timestamp, body),
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return fetch(eventsUrl, { method: 'POST', headers, body });
}

let eventCounter = 0;

/** An Events API `event_callback` envelope around one event. */
export function eventCallback(
  event: Record<string, unknown>,
  eventId?: string,
): Record<string, unknown> {
  eventCounter += 1;
  return {
    token: 'legacy-verification-token',
    team_id: 'TFAKE',
    api_app_id: 'AFAKE',
    event: { event_ts: event.ts, ...event },
    type: 'event_callback',
    event_id: eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}${eventCounter}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [
      { team_id: 'TFAKE', user_id: 'UQUARRYBOT', is_bot: true, is_enterprise_install: false },
    ],
  };
}

/**
 * A redelivery of an `event_callback` (the same event_id) whose message carries a new ts, and
 * that ts. Slack's own retries repeat the event unchanged, and the bot's channel:ts check would
 * drop such a copy by itself; this one only the event_id identifies, so a test of the event_id
 * layer fails without it.
 */
export function sameEventIdNewTs(envelope: Record<string, unknown>): {
  envelope: Record<string, unknown>;
  ts: string;
} {
  const ts = messageTs();
  const event = envelope.event as Record<string, unknown>;
  return { envelope: { ...envelope, event: { ...event, ts, event_ts: ts } }, ts };
}

let tsCounter = 0;

/** A fresh message timestamp, as Slack gives every message. */
export function messageTs(): string {
  tsCounter += 1;
  return `${1_750_000_000 + tsCounter}.${String(100 + tsCounter).padStart(6, '0')}`;
}

export function postEvent(
  eventsUrl: string,
  secret: string,
  body: Record<string, unknown>,
  options?: SignedPostOptions,
) {
  return postSigned(eventsUrl, secret, JSON.stringify(body), 'application/json', options);
}

/** A slash command, form-encoded like Slack sends it. */
export function postCommand(eventsUrl: string, secret: string, fields: Record<string, string>) {
  const body = new URLSearchParams({
    token: 'legacy-verification-token',
    team_id: 'TFAKE',
    team_domain: 'fake',
    api_app_id: 'AFAKE',
    trigger_id: `trigger-${randomBytes(4).toString('hex')}`,
    ...fields,
  }).toString();
  return postSigned(eventsUrl, secret, body, 'application/x-www-form-urlencoded');
}

/** An interactivity payload (button click, modal submission): `payload=<json>`, form-encoded. */
export function postInteraction(
  eventsUrl: string,
  secret: string,
  payload: Record<string, unknown>,
) {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return postSigned(eventsUrl, secret, body, 'application/x-www-form-urlencoded');
}
