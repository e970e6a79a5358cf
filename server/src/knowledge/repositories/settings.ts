import type { DataSource, Repository } from 'typeorm';
import { SettingEntity, type SettingRow } from '../entities/index.js';
import type { SettingsRepository } from '../port.js';
import { isUniqueViolation } from './common.js';

/** Small named values Quarry keeps for itself (the generated admin token, for one). */
export function createSettingsRepository(dataSource: DataSource): SettingsRepository {
  const rows: Repository<SettingRow> = dataSource.getRepository(SettingEntity);

  const get = async (key: string) => (await rows.findOneBy({ key }))?.value;

  return {
    get,

    async set(key, value) {
      await rows.upsert({ key, value, updated_at: new Date() }, { conflictPaths: ['key'] });
    },

    async delete(key) {
      await rows.delete({ key });
    },

    async setIfAbsent(key, value) {
      const stored = await get(key);
      if (stored !== undefined) return stored;
      try {
        await rows.insert({ key, value, updated_at: new Date() });
        return value;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
        // Another process stored its value first; theirs wins everywhere.
        return (await get(key)) ?? value;
      }
    },
  };
}
