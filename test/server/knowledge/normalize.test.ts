import { describe, expect, test } from 'vitest';
import { abbreviationKey, normalizeQuestion } from '../../../server/src/knowledge/normalize.js';
import { maskUrl } from '../../../server/src/knowledge/repositories/datasources.js';

describe('normalizeQuestion', () => {
  test.each([
    ['What is the revenue?', 'what is the revenue'],
    ['  What   is\tthe REVENUE ', 'what is the revenue'],
    ['ＷＨＡＴ　ｉｓ　ｔｈｅ　ｒｅｖｅｎｕｅ？', 'what is the revenue'],
    ['各部门的人数？', '各部门的人数'],
    ['各部门，的人数。', '各部门的人数'],
    ['「研发部」的预算', '研发部的预算'],
    ['sales > 100, by region', 'sales > 100 by region'],
    ['Q1-2024 sales', 'q1 2024 sales'],
  ])('%j → %j', (question, normalized) => {
    expect(normalizeQuestion(question)).toBe(normalized);
    expect(normalizeQuestion(normalized)).toBe(normalized);
  });
});

test('abbreviation keys fold case and width', () => {
  expect(abbreviationKey(' ＲＤ ')).toBe(abbreviationKey('rd'));
});

test('maskUrl hides passwords in the authority and in the query', () => {
  expect(maskUrl('mysql://u:p%40ss@h:3306/db')).toEqual({
    url: 'mysql://u:***@h:3306/db',
    has_password: true,
  });
  expect(maskUrl('mysql://u@h/db?password=x&ssl=1')).toEqual({
    url: 'mysql://u@h/db?password=***&ssl=1',
    has_password: true,
  });
  expect(maskUrl('sqlite:./data/demo.sqlite')).toEqual({
    url: 'sqlite:./data/demo.sqlite',
    has_password: false,
  });
  expect(maskUrl('mysql://u:@h/db')).toEqual({ url: 'mysql://u:@h/db', has_password: false });
});
