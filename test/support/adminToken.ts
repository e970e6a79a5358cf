/**
 * The admin token of every test Quarry (`startTestQuarry` starts with it) and of the console's
 * tests: one literal, so a test that signs in and the server it signs in to cannot drift apart.
 */
export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** Headers of a JSON request to a test Quarry's admin API. */
export const ADMIN_HEADERS = {
  authorization: `Bearer ${ADMIN_TOKEN}`,
  'content-type': 'application/json',
} as const;
