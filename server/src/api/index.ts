export { ADMIN_TOKEN_SETTING, ensureAdminToken, requireAdminToken } from './adminToken.js';
export { type AdminApiDeps, createAdminApiRouter } from './router.js';
