export * from './api.js';
export * from './askEnd.js';
export * from './errorCodes.js';
export * from './events.js';
export * from './jobs.js';
export * from './seedMessages.js';
export * from './status.js';
export * from './wire.js';
