import { describe, expect, it } from 'vitest';
import { assertReadOnlySql } from '../../../server/src/sql/guard.js';
import { tokenizeSql } from '../../../server/src/sql/lexer.js';
import { findForeignSchemaToken } from '../../../server/src/sql/schemaScope.js';
import { refusalOf } from './refusal.js';

const rules = { schema: 'shop' };

describe('SQL naming a schema other than the data source’s database (MySQL)', () => {
  it.each([
    'SELECT * FROM mysql.user',
    'SELECT User, Password FROM `mysql`.`user`',
    'SELECT `mysql`.user.User FROM `mysql`.`user`',
    'SELECT * FROM MYSQL.global_priv',
    'SELECT * FROM warehouse.orders',
    'SELECT * FROM shop.orders o JOIN warehouse.stock s ON o.id = s.order_id',
    'SELECT (SELECT COUNT(*) FROM warehouse.stock) AS n',
    'SELECT id FROM orders WHERE id IN (SELECT order_id FROM warehouse.stock)',
    'WITH w AS (SELECT * FROM warehouse.stock) SELECT COUNT(*) FROM w',
    'SELECT name FROM customers UNION SELECT User FROM mysql.user',
    'SELECT * FROM information_schema.PROCESSLIST',
    'SELECT * FROM information_schema.USER_PRIVILEGES',
    'SELECT ROUTINE_DEFINITION FROM information_schema.ROUTINES',
    'SELECT SCHEMA_NAME FROM information_schema.SCHEMATA',
    'SELECT * FROM information_schema.TABLES',
    "SELECT * FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'warehouse'",
    "SELECT * FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'shop' OR 1 = 1",
    "SELECT * FROM information_schema.COLUMNS WHERE TABLE_NAME = 'orders'",
    `SELECT t.TABLE_NAME, c.COLUMN_NAME FROM information_schema.TABLES t
     JOIN information_schema.COLUMNS c ON c.TABLE_NAME = t.TABLE_NAME
     WHERE t.TABLE_SCHEMA = DATABASE()`,
    'SELECT * FROM performance_schema.threads',
    'SELECT * FROM sys.processlist',
    'SELECT warehouse.stock_level(1) AS n',
    'SHOW DATABASES',
    'SHOW COLUMNS FROM mysql.user',
    'SHOW CREATE TABLE mysql.user',
    'SHOW INDEX FROM warehouse.stock',
    'SHOW TABLES FROM mysql',
    'SHOW TABLES IN warehouse',
    'SHOW TABLE STATUS FROM mysql',
    'SHOW COLUMNS FROM user FROM mysql',
    'DESCRIBE mysql.user',
    'DESC warehouse.stock',
  ])('refuses %s', (sql) => {
    const error = refusalOf(sql, 'mysql', rules);
    expect(error.code).toBe('UNSAFE_SQL');
    expect(error.message).toMatch(
      /outside the database shop|limiting it to the database shop|SHOW DATABASES/,
    );
  });

  it.each([
    'SELECT * FROM orders',
    'SELECT * FROM shop.orders',
    'SELECT `shop`.`orders`.id FROM `shop`.`orders`',
    'SELECT o.id, c.name FROM shop.orders o JOIN customers c ON c.id = o.customer_id',
    'SELECT a.id, b.id FROM orders a, shop.customers b WHERE a.customer_id = b.id',
    "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'shop'",
    `SELECT t.TABLE_NAME FROM information_schema.TABLES t
     WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE'`,
    "SELECT COUNT(*) FROM information_schema.COLUMNS WHERE TABLE_NAME = 'orders' AND table_schema = SCHEMA()",
    'SHOW TABLES',
    'SHOW TABLES FROM shop',
    'SHOW COLUMNS FROM orders',
    'SHOW COLUMNS FROM shop.orders',
    'DESCRIBE orders',
    'DESCRIBE shop.orders',
  ])('allows %s', (sql) => {
    expect(() => assertReadOnlySql(sql, 'mysql', rules)).not.toThrow();
  });

  it('says which table is out of reach and which database is in it', () => {
    expect(refusalOf('SELECT * FROM mysql.user', 'mysql', rules).message).toBe(
      "This SQL reads mysql.user, outside the database shop that questions are answered from, so it was not run; use only that database's tables.",
    );
  });

  it('checks nothing when no database is configured (SQLite, other callers)', () => {
    expect(() => assertReadOnlySql('SELECT * FROM warehouse.orders', 'mysql')).not.toThrow();
  });
});

describe('the token rule for SQL no grammar can read', () => {
  const tokenRule = (sql: string) => findForeignSchemaToken(sql, tokenizeSql(sql, 'mysql'), 'shop');

  it.each([
    'SELECT * FROM orders NATURAL JOIN warehouse.stock',
    'SELECT * FROM orders, warehouse.stock',
    'SELECT * FROM orders o, `warehouse`.`stock` s',
    'SELECT warehouse.stock.qty FROM orders',
    'SELECT User FROM orders JOIN mysql.user',
    'SELECT mysql.user.User FROM orders',
    'SELECT * FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
    'SHOW TABLES FROM mysql',
    'SHOW DATABASES',
    'DESCRIBE warehouse.stock',
  ])('refuses %s', (sql) => {
    expect(tokenRule(sql)).toMatch(/outside the database shop|SHOW DATABASES/);
  });

  it.each([
    'SELECT o.id, c.name FROM orders o NATURAL JOIN customers c',
    'SELECT * FROM shop.orders, shop.customers',
    'SELECT a.x, b.y FROM orders a, customers b',
    "SELECT 'mysql.user' AS label, 1.5 AS n FROM orders",
    'SHOW TABLES FROM shop',
    'SHOW COLUMNS FROM orders FROM shop',
    'DESCRIBE shop.orders',
  ])('allows %s', (sql) => {
    expect(tokenRule(sql)).toBeNull();
  });
});
