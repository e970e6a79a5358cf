import { randomBytes } from 'node:crypto';
import mysql from 'mysql2/promise';

/** The MariaDB this machine runs (root, empty password); tests create their own databases. */
export const MARIADB_ROOT_URL = 'mysql://root@127.0.0.1:3306';

export interface TestDatabase {
  name: string;
  /** `mysql://root@127.0.0.1:3306/<name>` */
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates a fresh, uniquely named database (utf8mb4) and returns its URL. Optional `sql` is run
 * in it first (multiple statements allowed). Call `drop()` in afterAll.
 */
export async function createTestDatabase(prefix: string, sql?: string): Promise<TestDatabase> {
  const name = `qt_${prefix.replace(/\W/g, '_').slice(0, 30)}_${randomBytes(4).toString('hex')}`;
  const admin = await mysql.createConnection({
    uri: MARIADB_ROOT_URL,
    multipleStatements: true,
  });
  try {
    await admin.query(
      `CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    if (sql) {
      await admin.query(`USE \`${name}\``);
      await admin.query(sql);
    }
  } finally {
    await admin.end();
  }
  return {
    name,
    url: `${MARIADB_ROOT_URL}/${name}`,
    async drop() {
      const connection = await mysql.createConnection({ uri: MARIADB_ROOT_URL });
      try {
        await connection.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await connection.end();
      }
    },
  };
}
