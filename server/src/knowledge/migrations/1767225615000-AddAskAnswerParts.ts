import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

/**
 * What an ask said after its rows: the answer sentence, the chart (kind, who chose it, and the
 * Vega-Lite spec when it fits) and the follow-up questions, so `/v1/asks/:id/result` and the
 * console show them after a restart. Older asks keep nulls. Each value is bounded where it is
 * written to fit a TEXT column on every backend.
 */
export class AddAskAnswerParts1767225615000 implements MigrationInterface {
  name = 'AddAskAnswerParts1767225615000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('asks', [
      new TableColumn({ name: 'answer', type: 'text', isNullable: true }),
      new TableColumn({ name: 'chart', type: 'text', isNullable: true }),
      new TableColumn({ name: 'follow_ups', type: 'text', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('asks', ['answer', 'chart', 'follow_ups']);
  }
}
