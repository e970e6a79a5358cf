export { requireAdminToken } from '../http/auth.js';
export { ADMIN_TOKEN_SETTING, ensureAdminToken } from './adminToken.js';
export type { AdminApiDeps } from './deps.js';
export { createAdminApiRouter } from './router.js';
