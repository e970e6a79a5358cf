/*
 * Why something was refused, as a code with parameters, so every client can say it in its
 * reader's language. The API sends the English text as `message` and the code as `reason`;
 * the console renders the code in the admin's language from this one catalogue.
 */

export type Locale = 'en' | 'zh';

type Params = Record<string, string | number>;

/** A refusal or warning: what went wrong (`code`) and the names it needs (`params`). */
export interface Reason {
  code: ReasonCode;
  params?: Params;
}

const CATALOGUE = {
  required: { en: '{field} is required', zh: '请填写{field}' },
  wrong_type: { en: '{field} has the wrong type', zh: '{field}的格式不对' },
  empty: { en: '{field} must not be empty', zh: '{field}不能为空' },
  too_long: { en: '{field} must be at most {max} characters', zh: '{field}最多 {max} 个字符' },
  too_many: { en: '{field} must have at most {max} entries', zh: '{field}最多 {max} 项' },
  too_small: { en: '{field} must be at least {min}', zh: '{field}至少为 {min}' },
  one_of: { en: '{field} must be one of {options}', zh: '{field}只能是 {options} 之一' },
  invalid: { en: '{field} is not valid', zh: '{field}无效' },
  bad_name: {
    en: 'name must start with a lower-case letter and use only a-z, 0-9, _ and - (at most 64)',
    zh: '名称须以小写字母开头，只能使用 a-z、0-9、_ 和 -（最多 64 个字符）',
  },
  bad_url: {
    en: 'url must look like mysql://user:pass@host:port/db, postgres://user:pass@host:port/db or sqlite:<path>',
    zh: '连接地址应形如 mysql://用户:密码@主机:端口/库名、postgres://用户:密码@主机:端口/库名 或 sqlite:<路径>',
  },
  url_or_name_required: {
    en: 'url is required (or the name of a stored data source)',
    zh: '请填写连接地址（或已保存数据源的名称）',
  },
  matched_needs_question: {
    en: 'a "matched" instruction needs at least one question it applies to',
    zh: '“匹配问题”范围的指令至少需要一个适用的问题',
  },
  description_or_hidden: {
    en: 'description is required (or hidden, to hide or show the table or column)',
    zh: '请填写描述（或设置是否隐藏该表或列）',
  },
  bad_column_name: {
    en: 'columns must name table.column, e.g. departments.name',
    zh: '适用列须写成 表.列，例如 departments.name',
  },
  body_not_object: { en: 'the request body must be a JSON object', zh: '请求内容必须是 JSON 对象' },
  duplicate_pair: {
    en: 'A SQL pair with this question already exists for this data source.',
    zh: '该数据源已有相同问题的 SQL 示例。',
  },
  duplicate_abbreviation: {
    en: 'This abbreviation is already in the dictionary.',
    zh: '词典中已有这个缩写。',
  },
  duplicate_name: { en: 'This name is already taken.', zh: '这个名称已被使用。' },
  repeated_row: {
    en: 'This row repeats the {field} of row {row}.',
    zh: '这一行与第 {row} 行的{field}重复。',
  },
  unreadable_row: {
    en: 'Line {line} could not be read.',
    zh: '第 {line} 行无法读取。',
  },
  too_many_values: {
    en: 'Line {line} has more values than the header has columns; quote values that contain commas.',
    zh: '第 {line} 行的值比表头的列多；含逗号的值请加引号。',
  },
  exists_not_overwritten: {
    en: 'An entry with this key exists and differs; choose overwrite to replace it.',
    zh: '已有同名条目且内容不同；如要替换，请选择覆盖。',
  },
  not_found: { en: 'It no longer exists.', zh: '该条目已不存在。' },
  datasource_not_found: {
    en: 'There is no data source named "{datasource}".',
    zh: '没有名为“{datasource}”的数据源。',
  },
  sql_no_statement: { en: 'There is no SQL statement.', zh: '没有 SQL 语句。' },
  sql_not_read_only: {
    en: 'Only one read-only SELECT statement may run; this SQL contains {what}.',
    zh: '只允许一条只读 SELECT 语句；这条 SQL 包含 {what}。',
  },
  sql_not_select: {
    en: 'Only one read-only SELECT statement may run; this SQL does not read data.',
    zh: '只允许一条只读 SELECT 语句；这条 SQL 不是读取数据的查询。',
  },
  sql_stacked: {
    en: 'This SQL holds more than one statement; only one may run.',
    zh: '这条 SQL 包含多条语句；只允许运行一条。',
  },
  sql_hidden_table: {
    en: 'This SQL reads the hidden table {table}, which is not available to questions.',
    zh: '这条 SQL 读取了已隐藏的表 {table}，该表不对提问开放。',
  },
  sql_hidden_column: {
    en: 'This SQL reads the hidden column {column}, which is not available to questions.',
    zh: '这条 SQL 读取了已隐藏的列 {column}，该列不对提问开放。',
  },
  sql_hidden_star: {
    en: 'SELECT * would include hidden columns ({columns}); list the columns you need.',
    zh: 'SELECT * 会包含已隐藏的列（{columns}）；请列出需要的列。',
  },
  sql_other_database: {
    en: 'This SQL reads {table}, outside the database {database} that questions are answered from; use only that database’s tables.',
    zh: '这条 SQL 读取了 {table}，它不在回答问题所用的数据库 {database} 中；请只使用该数据库的表。',
  },
  sql_unscoped_schema: {
    en: 'This SQL reads {table} without limiting it to the database {database}; ask about the tables themselves.',
    zh: '这条 SQL 读取 {table} 时没有限定在数据库 {database} 内；请直接询问数据表本身。',
  },
  sql_raw_file: {
    en: 'This SQL reads {table}, which exposes the raw database file.',
    zh: '这条 SQL 读取了 {table}，会暴露数据库文件本身。',
  },
  sql_engine_writes: {
    en: 'The database reports that this SQL would change or lock data, so it was not run.',
    zh: '数据库判断这条 SQL 会修改或锁定数据，因此未运行。',
  },
  sql_outside_schema: {
    en: 'This SQL reads {relations}, outside the tables questions are answered from (system catalogs and other schemas are not available).',
    zh: '这条 SQL 读取了 {relations}，不在可提问的数据表范围内（系统目录和其他 schema 不开放）。',
  },
  sql_unsafe: {
    en: 'This SQL did not pass the read-only check: {detail}',
    zh: '这条 SQL 未通过只读检查，未运行。',
  },
  sql_does_not_run: {
    en: 'This SQL does not run on data source "{datasource}": {detail}',
    zh: '这条 SQL 无法在数据源“{datasource}”上运行。数据库的报错：{detail}',
  },
  promote_down_rated: {
    en: 'The asker rated this answer 👎; confirm to promote it anyway.',
    zh: '提问者给这个回答点了 👎；确认后才能仍然将其设为 SQL 示例。',
  },
  no_sql_to_promote: {
    en: 'This ask has no SQL to keep; only asks that produced SQL can be promoted.',
    zh: '这条提问没有可保存的 SQL；只有生成了 SQL 的提问才能设为示例。',
  },
  no_relevant_data: {
    en: "No table of data source '{datasource}' seems related to this question; name what you are looking for (for example the table, department or metric).",
    zh: '数据源“{datasource}”中没有与这个问题相关的数据表；请说明要查的内容（例如表、部门或指标）。',
  },
  ask_stopped: { en: 'The ask was stopped.', zh: '提问已停止。' },
  correction_stopped_early: {
    en: 'The rewrite repeated SQL that was already tried, so Quarry stopped correcting it after {n} attempts.',
    zh: '重写结果与已尝试过的 SQL 相同，因此在第 {n} 次尝试后停止了纠错。',
  },
  connection_failed: {
    en: 'Could not connect: {detail}',
    zh: '无法连接数据源。驱动程序的报错：{detail}',
  },
  connection_refused: {
    en: 'Could not connect: nothing answered at {address}; check the host and port, and that the database is running ({detail})',
    zh: '无法连接：{address} 没有响应；请检查主机和端口，并确认数据库正在运行。驱动程序的报错：{detail}',
  },
  connection_host_unknown: {
    en: 'Could not connect: there is no host named {host}; check its spelling ({detail})',
    zh: '无法连接：找不到主机 {host}，请检查拼写。驱动程序的报错：{detail}',
  },
  connection_access_denied: {
    en: 'Could not connect: the database refused the user name or password ({detail})',
    zh: '无法连接：数据库拒绝了这个用户名或密码。驱动程序的报错：{detail}',
  },
  connection_database_unknown: {
    en: 'Could not connect: the server has no database named {database} ({detail})',
    zh: '无法连接：服务器上没有名为 {database} 的数据库。驱动程序的报错：{detail}',
  },
  connection_timed_out: {
    en: 'Could not connect: the database did not answer in time ({detail})',
    zh: '无法连接：数据库没有及时响应。驱动程序的报错：{detail}',
  },
  connection_file_missing: {
    en: 'Could not open the SQLite file; check the path ({detail})',
    zh: '无法打开 SQLite 文件，请检查路径。驱动程序的报错：{detail}',
  },
  ask_failed_in_database: {
    en: 'The database could not run the query: {detail}',
    zh: '数据库无法执行这条查询。数据库的报错：{detail}',
  },
  ask_timed_out: {
    en: 'The query ran past its time limit and was cancelled.',
    zh: '查询超出时间限制，已被取消。',
  },
  invalid_datasource_url: {
    en: 'The data source URL {detail}.',
    zh: '数据源连接地址不可用（{detail}）。',
  },
  sql_failed: {
    en: 'The database could not run this SQL: {detail}',
    zh: '数据库无法运行这条 SQL。数据库的报错：{detail}',
  },
  datasource_unavailable: {
    en: 'Data source "{datasource}" could not be reached to check this SQL: {detail}',
    zh: '无法连接数据源“{datasource}”来检查这条 SQL：{detail}',
  },
  full_name_not_in_data: {
    en: '"{full_name}" does not occur in {columns} of data source "{datasource}"; asks there using this entry would find no rows.',
    zh: '“{full_name}”在数据源“{datasource}”的 {columns} 中不存在；在那里用到这个词条的提问会查不到数据。',
  },
  column_in_no_datasource: {
    en: 'No data source has a column {column}.',
    zh: '没有哪个数据源有列 {column}。',
  },
  unknown_column: {
    en: 'There is no column {column} in data source "{datasource}".',
    zh: '数据源“{datasource}”中没有列 {column}。',
  },
  semantic_no_table: { en: 'There is no table {table}.', zh: '没有表 {table}。' },
  semantic_no_column: {
    en: 'The table {table} has no column {column}.',
    zh: '表 {table} 中没有列 {column}。',
  },
  semantic_column_taken: {
    en: 'The table {table} already has a column named {name}; choose another name.',
    zh: '表 {table} 已有名为 {name} 的列；请换一个名称。',
  },
  semantic_table_taken: {
    en: 'The data source already has a table named {name}; choose another name.',
    zh: '数据源中已有名为 {name} 的表；请换一个名称。',
  },
  expression_unterminated: {
    en: 'The expression is not one expression: it has an unterminated string, name or comment.',
    zh: '表达式不完整：其中的字符串、名称或注释没有结束。',
  },
  expression_semicolon: {
    en: 'The expression is not one expression: it holds a semicolon.',
    zh: '表达式只能是一个表达式，不能包含分号。',
  },
  expression_unbalanced: {
    en: 'The expression is not one expression: its parentheses are not balanced.',
    zh: '表达式的括号不配对。',
  },
  metric_not_select: {
    en: "A metric's SQL must be one read-only SELECT; this one starts with {head}.",
    zh: '指标的 SQL 必须是一条只读 SELECT 语句；这条以 {head} 开头。',
  },
  metric_column_unnamed: {
    en: 'Every output column of a metric needs its own plain name: give each expression an alias with AS.',
    zh: '指标的每个输出列都需要一个独立的简单名称：请用 AS 给每个表达式起个别名。',
  },
  metric_column_alias: {
    en: 'Every output column of a metric needs its own plain name: give {column} an alias with AS.',
    zh: '指标的每个输出列都需要一个独立的简单名称：请用 AS 给 {column} 起个别名。',
  },
} satisfies Record<string, Record<Locale, string>>;

export type ReasonCode = keyof typeof CATALOGUE;

/** Field names as people read them; English keeps the API's field names. */
const FIELD_NAMES: Record<string, Record<Locale, string>> = {
  question: { en: 'question', zh: '问题' },
  sql: { en: 'sql', zh: 'SQL' },
  datasource: { en: 'datasource', zh: '数据源' },
  text: { en: 'text', zh: '指令内容' },
  scope: { en: 'scope', zh: '范围' },
  questions: { en: 'questions', zh: '适用问题' },
  'each question': { en: 'each question', zh: '每个适用问题' },
  abbreviation: { en: 'abbreviation', zh: '缩写' },
  full_name: { en: 'full_name', zh: '全称' },
  columns: { en: 'columns', zh: '适用列' },
  name: { en: 'name', zh: '名称' },
  url: { en: 'url', zh: '连接地址' },
  description: { en: 'description', zh: '描述' },
  table: { en: 'table', zh: '表' },
  column: { en: 'column', zh: '列' },
  rating: { en: 'rating', zh: '评价' },
  comment: { en: 'comment', zh: '备注' },
  status: { en: 'status', zh: '状态' },
  body: { en: 'body', zh: '请求内容' },
  header: { en: 'header', zh: '表头' },
};

export const REASON_CODES = Object.keys(CATALOGUE) as ReasonCode[];

export function isReasonCode(code: unknown): code is ReasonCode {
  return typeof code === 'string' && Object.hasOwn(CATALOGUE, code);
}

/** The field's name in `locale`; the first segment of a path (`questions.2`) names it. */
export function fieldName(field: string, locale: Locale): string {
  const key = field.split('.')[0] ?? field;
  return FIELD_NAMES[key]?.[locale] ?? FIELD_NAMES[field]?.[locale] ?? field;
}

/**
 * Reasons whose `detail` is a database's or driver's own words (in whatever language it
 * speaks), as sentences without them, for readers who see those words apart.
 */
const WITHOUT_DETAIL: Partial<Record<ReasonCode, Record<Locale, string>>> = {
  sql_does_not_run: {
    en: 'This SQL does not run on data source "{datasource}".',
    zh: '这条 SQL 无法在数据源“{datasource}”上运行。',
  },
  sql_failed: {
    en: 'The database could not run this SQL.',
    zh: '数据库无法运行这条 SQL。',
  },
  datasource_unavailable: {
    en: 'Data source "{datasource}" could not be reached to check this SQL.',
    zh: '无法连接数据源“{datasource}”来检查这条 SQL。',
  },
  connection_failed: { en: 'Could not connect to the database.', zh: '无法连接数据库。' },
  connection_refused: {
    en: 'Could not connect: nothing answered at {address}; check the host and port, and that the database is running.',
    zh: '无法连接：{address} 没有响应；请检查主机和端口，并确认数据库正在运行。',
  },
  connection_host_unknown: {
    en: 'Could not connect: there is no host named {host}; check its spelling.',
    zh: '无法连接：找不到主机 {host}，请检查拼写。',
  },
  connection_access_denied: {
    en: 'Could not connect: the database refused the user name or password.',
    zh: '无法连接：数据库拒绝了这个用户名或密码。',
  },
  connection_database_unknown: {
    en: 'Could not connect: the server has no database named {database}.',
    zh: '无法连接：服务器上没有名为 {database} 的数据库。',
  },
  connection_timed_out: {
    en: 'Could not connect: the database did not answer in time.',
    zh: '无法连接：数据库没有及时响应。',
  },
  connection_file_missing: {
    en: 'Could not open the SQLite file; check the path.',
    zh: '无法打开 SQLite 文件，请检查路径。',
  },
  ask_failed_in_database: {
    en: 'The database could not run the query.',
    zh: '数据库无法执行这条查询。',
  },
};

/**
 * The reason in `locale` with a database's own words apart: `message` is Quarry's sentence,
 * `detail` what the database or driver said (absent for reasons that quote none).
 */
export function describeReasonApart(
  reason: Reason,
  locale: Locale,
): { message: string; detail?: string } {
  const short = WITHOUT_DETAIL[reason.code];
  const detail = reason.params?.detail;
  if (!short || detail === undefined) return { message: describeReason(reason, locale) };
  return { message: fill(short[locale], reason.params ?? {}, locale), detail: String(detail) };
}

function fill(template: string, params: Record<string, string | number>, locale: Locale): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    if (value === undefined) return whole;
    return name === 'field' ? fieldName(String(value), locale) : String(value);
  });
}

/** The reason as a sentence in `locale`; `{field}` is filled with the field's local name. */
export function describeReason(reason: Reason, locale: Locale): string {
  return fill(CATALOGUE[reason.code][locale], reason.params ?? {}, locale);
}

/** The part of a zod issue the mapping reads (zod v4's issue shapes). */
export interface ValidationIssue {
  code: string;
  path: readonly PropertyKey[];
  message: string;
  minimum?: unknown;
  maximum?: unknown;
  origin?: unknown;
  values?: readonly unknown[];
  format?: string;
  params?: Record<string, unknown>;
}

/**
 * A schema issue as a reason. Refinements name their own code in `params.reason`; built-in
 * checks map by kind, with the field taken from the path.
 */
export function reasonOfIssue(issue: ValidationIssue): Reason {
  const field = issue.path.length > 0 ? String(issue.path[0]) : 'body';
  const own = issue.params?.reason;
  if (isReasonCode(own)) return { code: own };
  switch (issue.code) {
    case 'invalid_type':
      return issue.message.endsWith('is required')
        ? { code: 'required', params: { field } }
        : { code: 'wrong_type', params: { field } };
    case 'too_small':
      if (issue.origin === 'string' && issue.minimum === 1)
        return { code: 'empty', params: { field } };
      return { code: 'too_small', params: { field, min: String(issue.minimum) } };
    case 'too_big':
      return issue.origin === 'array'
        ? { code: 'too_many', params: { field, max: String(issue.maximum) } }
        : { code: 'too_long', params: { field, max: String(issue.maximum) } };
    case 'invalid_value':
      return {
        code: 'one_of',
        params: { field, options: (issue.values ?? []).map(String).join(', ') },
      };
    case 'invalid_format':
      if (field === 'name' || field === 'datasource') return { code: 'bad_name' };
      return { code: 'invalid', params: { field } };
    default:
      return { code: 'invalid', params: { field } };
  }
}
