import type { MigrationInterface, QueryRunner } from 'typeorm';

const TABLES = ['relationships', 'calculated_fields', 'metrics'];

/**
 * Semantic-layer problems are stored as `{message, reason}` JSON so the console can say them
 * in the admin's language. The English sentences stored before cannot be turned back into
 * reasons, so they are cleared together with the schema each data source's layer was last
 * validated on: the next look at a layer validates it again and stores its problems anew.
 */
export class StoreSemanticProblemReasons1767225614001 implements MigrationInterface {
  name = 'StoreSemanticProblemReasons1767225614001';

  async up(queryRunner: QueryRunner): Promise<void> {
    const quote = (name: string) => queryRunner.connection.driver.escape(name);
    for (const table of TABLES) {
      await queryRunner.query(
        `UPDATE ${quote(table)} SET ${quote('problem')} = NULL WHERE ${quote('problem')} IS NOT NULL`,
      );
    }
    await queryRunner.query(`DELETE FROM ${quote('settings')} WHERE ${quote('key')} LIKE ?`, [
      'semantics_schema:%',
    ]);
  }

  async down(): Promise<void> {
    // The cleared sentences are not kept; the layer is validated again either way.
  }
}
