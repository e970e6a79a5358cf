/**
 * The one reader of data-source URLs (`DATABASE_URL`, the data-source API, test connection):
 * `mysql://user:pass@host:port/db` (or `mariadb://…`), `postgres://user:pass@host:port/db` (or
 * `postgresql://…`) and `sqlite:<path>`. Pure text rules
 * only; the server adds what needs the file system or the app database
 * (`server/src/datasources/url.ts`).
 *
 * Credentials may be written raw or percent-encoded: the user info runs to the last `@` that
 * leaves a valid host part, so a password holding `@`, `:`, `/`, `#`, `?` or `%` is read whole
 * and masked whole. A `%` followed by two hex digits is read as an escape; write `%25` for a
 * literal `%` followed by hex digits.
 */

/** The placeholder shown instead of a password; sent back, it means "keep the stored one". */
export const PASSWORD_MASK = '***';

/** Network schemes a data source may use, by the adapter that opens them. */
const NETWORK_SCHEMES: Record<string, { kind: NetworkUrl['kind']; defaultPort: number }> = {
  mysql: { kind: 'mysql', defaultPort: 3306 },
  mariadb: { kind: 'mysql', defaultPort: 3306 },
  postgres: { kind: 'postgres', defaultPort: 5432 },
  postgresql: { kind: 'postgres', defaultPort: 5432 },
};

export const DATASOURCE_URL_FORMS =
  'mysql://user:pass@host:port/db, postgres://user:pass@host:port/db or sqlite:<path>';

export interface SqliteUrl {
  kind: 'sqlite';
  /** As written (relative paths are against the process's working directory). */
  path: string;
}

export interface NetworkUrl {
  kind: 'mysql' | 'postgres';
  /** Lower-case scheme as written: `mysql`, `mariadb`, `postgres` or `postgresql`. */
  scheme: string;
  /** As written (IPv6 without brackets); never resolved or rewritten. */
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  /** Query parameters, decoded. */
  params: Record<string, string>;
}

export type ParsedDataSourceUrl = SqliteUrl | NetworkUrl;

export type DataSourceUrlReading =
  | { ok: true; value: ParsedDataSourceUrl }
  | { ok: false; reason: string };

/** C0 and C1 control characters, DEL included: never part of a host, path or password. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

function controlReason(text: string, where = ''): string | undefined {
  const found = CONTROL.exec(text)?.[0];
  if (found === undefined) return undefined;
  const code = found.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0');
  return `contains a control character (U+${code})${where}`;
}

/** Percent-decodes when the text is valid percent-encoding, otherwise keeps it as written. */
function decodeLoosely(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9_])?$/;
const IPV6 = /^\[([0-9A-Fa-f:.]+)\]$/;
/** host[:port][/path][?query][#fragment] after the user info. */
const HOST_PART = /^([^/?#]*?)(?::([^/?#:\]]*))?(\/[^?#]*)?(\?[^#]*)?(#.*)?$/;

/** Where the pieces of a network URL are in its text, for masking and rebuilding. */
interface NetworkPieces {
  /** `scheme://` as written. */
  head: string;
  /** Raw user info before the `@`; undefined when there is no `@`. */
  userinfo: string | undefined;
  /** Everything after the user info's `@` (or after `//` without one). */
  tail: string;
}

function splitUserinfo(userinfo: string): { user: string; password: string | undefined } {
  const colon = userinfo.indexOf(':');
  return colon < 0
    ? { user: userinfo, password: undefined }
    : { user: userinfo.slice(0, colon), password: userinfo.slice(colon + 1) };
}

function readHostPart(
  scheme: string,
  tail: string,
): { ok: true; value: Omit<NetworkUrl, 'user' | 'password'> } | { ok: false; reason: string } {
  const spec = NETWORK_SCHEMES[scheme];
  if (!spec) return { ok: false, reason: 'uses an unsupported scheme' };
  const match = HOST_PART.exec(tail);
  if (!match) return { ok: false, reason: 'has no readable host and port' };
  const [, rawHost = '', rawPort, path = '', query = ''] = match;
  if (rawHost === '') return { ok: false, reason: 'names no host' };
  const ipv6 = IPV6.exec(rawHost)?.[1];
  if (ipv6 === undefined && !HOST_NAME.test(rawHost)) {
    return { ok: false, reason: `has the host "${rawHost}", not a host name or IP address` };
  }
  let port = spec.defaultPort;
  if (rawPort !== undefined) {
    if (!/^[0-9]{1,5}$/.test(rawPort) || Number(rawPort) < 1 || Number(rawPort) > 65535) {
      return { ok: false, reason: `has the port "${rawPort}", not a number from 1 to 65535` };
    }
    port = Number(rawPort);
  }
  const database = decodeLoosely(path.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    return { ok: false, reason: 'names no database (add /<database> after the host)' };
  }
  const control = controlReason(database, ' in the database name');
  if (control) return { ok: false, reason: control };
  const params: Record<string, string> = {};
  for (const pair of query.replace(/^\?/, '').split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = decodeLoosely(equals < 0 ? pair : pair.slice(0, equals));
    params[key] = decodeLoosely(equals < 0 ? '' : pair.slice(equals + 1));
  }
  return {
    ok: true,
    value: { kind: spec.kind, scheme, host: ipv6 ?? rawHost, port, database, params },
  };
}

/**
 * The readings of a network URL's text, most likely first: the user info ending at the last
 * `@`, then at each earlier one (an `@` may sit in a query value), then none.
 */
function networkReadings(url: string): NetworkPieces[] {
  const head = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(url)?.[0] ?? '';
  const rest = url.slice(head.length);
  const readings: NetworkPieces[] = [];
  for (let at = rest.lastIndexOf('@'); at >= 0; at = rest.lastIndexOf('@', at - 1)) {
    readings.push({ head, userinfo: rest.slice(0, at), tail: rest.slice(at + 1) });
    if (at === 0) break;
  }
  readings.push({ head, userinfo: undefined, tail: rest });
  return readings;
}

function readNetwork(
  url: string,
  scheme: string,
): { ok: true; value: NetworkUrl; pieces: NetworkPieces } | { ok: false; reason: string } {
  let first: string | undefined;
  for (const pieces of networkReadings(url)) {
    const hostPart = readHostPart(scheme, pieces.tail);
    if (!hostPart.ok) {
      first ??= hostPart.reason;
      continue;
    }
    const { user, password } = splitUserinfo(pieces.userinfo ?? '');
    const value: NetworkUrl = {
      ...hostPart.value,
      user: decodeLoosely(user),
      password: decodeLoosely(password ?? ''),
    };
    const control =
      controlReason(value.user, ' in the user name') ??
      controlReason(value.password, ' in the password');
    if (control) return { ok: false, reason: control };
    return { ok: true, value, pieces };
  }
  return { ok: false, reason: first ?? 'is not a valid URL' };
}

/**
 * Reads a data-source URL. Never throws; `reason` says what is wrong without repeating any
 * credential (`has the port "99999", not a number from 1 to 65535`).
 */
export function parseDataSourceUrl(url: string): DataSourceUrlReading {
  const control = controlReason(url);
  if (control) return { ok: false, reason: control };
  const text = url.trim();
  if (text === '') return { ok: false, reason: 'is empty' };
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text)?.[1]?.toLowerCase();
  if (scheme === 'sqlite') {
    // `sqlite:///abs/path` and `sqlite://rel/path` are common spellings of the same thing.
    const path = text.slice('sqlite:'.length).replace(/^\/\//, '');
    if (path === '') return { ok: false, reason: 'names no SQLite file (write sqlite:<path>)' };
    return { ok: true, value: { kind: 'sqlite', path } };
  }
  if (scheme === undefined || !text.slice(scheme.length + 1).startsWith('//')) {
    return { ok: false, reason: `is not of the form ${DATASOURCE_URL_FORMS}` };
  }
  if (!NETWORK_SCHEMES[scheme]) {
    return {
      ok: false,
      reason: `uses the unsupported scheme "${scheme}:" (write ${DATASOURCE_URL_FORMS})`,
    };
  }
  const read = readNetwork(text, scheme);
  return read.ok ? { ok: true, value: read.value } : read;
}

const QUERY_PASSWORD = /([?&]password=)([^&#]*)/i;

/**
 * The URL as it may be shown or logged: any password (in the user info or a `password=`
 * query parameter) replaced by `***`, and whether there was one. Works on text that is not a
 * valid URL too: then everything up to the last `@` after the user name is hidden.
 */
export function maskDataSourceUrl(url: string): { url: string; has_password: boolean } {
  const text = url.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase();
  if (scheme === undefined || scheme === 'sqlite') return { url: text, has_password: false };
  const read = NETWORK_SCHEMES[scheme] ? readNetwork(text, scheme) : undefined;
  // Unreadable text: the widest reading (user info to the last `@`) hides the most.
  const pieces = read?.ok ? read.pieces : networkReadings(text)[0];
  if (pieces === undefined) return { url: text, has_password: false };
  let hasPassword = false;
  let userinfo = '';
  if (pieces.userinfo !== undefined) {
    const { user, password } = splitUserinfo(pieces.userinfo);
    hasPassword = password !== undefined && password !== '';
    userinfo = `${user}${password === undefined ? '' : `:${hasPassword ? PASSWORD_MASK : ''}`}@`;
  }
  const tail = pieces.tail.replace(QUERY_PASSWORD, (match, key: string, value: string) => {
    if (value === '') return match;
    hasPassword = true;
    return `${key}${PASSWORD_MASK}`;
  });
  return { url: `${pieces.head}${userinfo}${tail}`, has_password: hasPassword };
}

/** `maskDataSourceUrl(url).url`: a URL as logs and messages may show it. */
export function redactDataSourceUrl(url: string): string {
  return maskDataSourceUrl(url).url;
}

/**
 * The URL to store when a client sends `candidate` after having been shown `stored` masked:
 * a password of `***` means "keep the stored password" — only for the same user, host and
 * port, so a changed URL can never carry the stored password to another server. Returns
 * undefined when the endpoint changed and the candidate still says `***`.
 */
export function restoreMaskedPassword(candidate: string, stored: string): string | undefined {
  const text = candidate.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text)?.[1]?.toLowerCase() ?? '';
  const storedScheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(stored)?.[1]?.toLowerCase() ?? '';
  const mine = NETWORK_SCHEMES[scheme] ? readNetwork(text, scheme) : undefined;
  if (!mine?.ok) return text.includes(PASSWORD_MASK) ? undefined : text;
  const theirs = NETWORK_SCHEMES[storedScheme] ? readNetwork(stored, storedScheme) : undefined;
  const { user, password } = splitUserinfo(mine.pieces.userinfo ?? '');
  const masksAuthority = password === PASSWORD_MASK;
  const masksQuery = QUERY_PASSWORD.exec(mine.pieces.tail)?.[2] === PASSWORD_MASK;
  if (!masksAuthority && !masksQuery) return text;
  if (
    !theirs?.ok ||
    theirs.value.user !== mine.value.user ||
    theirs.value.host.toLowerCase() !== mine.value.host.toLowerCase() ||
    theirs.value.port !== mine.value.port
  ) {
    return undefined;
  }
  const storedPassword = splitUserinfo(theirs.pieces.userinfo ?? '').password ?? '';
  const storedQuery = QUERY_PASSWORD.exec(theirs.pieces.tail)?.[2] ?? '';
  const userinfo =
    mine.pieces.userinfo === undefined
      ? ''
      : `${user}${password === undefined ? '' : `:${masksAuthority ? storedPassword : password}`}@`;
  const tail = mine.pieces.tail.replace(QUERY_PASSWORD, (match, key: string, value: string) =>
    value === PASSWORD_MASK ? `${key}${storedQuery}` : match,
  );
  return `${mine.pieces.head}${userinfo}${tail}`;
}
