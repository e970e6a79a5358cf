import { describe, expect, it } from 'vitest';
import {
  citableNumbers,
  citedNumbers,
  dropUncitedNumbers,
} from '../../../server/src/pipeline/answer/numbers.js';
import { profileColumns } from '../../../server/src/pipeline/answer/resultProfile.js';

const rows = [
  { month: '2025-01', amount: '1234567.50', orders: 120 },
  { month: '2025-02', amount: '987654.25', orders: 95 },
  { month: '2025-03', amount: '1500000.00', orders: 0.125 },
];
const allowed = citableNumbers({
  rows,
  profiles: profileColumns(['month', 'amount', 'orders'], rows),
  question: 'How did sales move in 2025?',
  sql: "SELECT strftime('%Y-%m', sale_date) AS month, SUM(amount) AS amount FROM sales LIMIT 500",
});

describe('the numbers an answer may cite', () => {
  it('reads numbers with separators, decimals, scale words, percent and Chinese units', () => {
    expect(citedNumbers('1,234,567.5 and 1.2 million, 12.5%, 98万 and -3')).toMatchObject([
      { value: 1234567.5 },
      { value: 1.2e6, tolerance: 1e5 },
      { value: 12.5, percent: true },
      { value: 980000 },
      { value: -3 },
    ]);
    // Dates and codes are read digit run by digit run, never as a subtraction.
    expect(citedNumbers('2025-03').map((n) => n.value)).toEqual([2025, 3]);
  });

  it('keeps numbers from the rows, rounded, in another scale, or as a share', () => {
    const answer =
      'Sales peaked in March 2025 at 1.5 million. January brought about 1,234,568, from 120 orders. One month had 12.5% of an order.';
    expect(dropUncitedNumbers(answer, allowed)).toEqual({ answer, unverified: [] });
  });

  it('keeps the sum, the average and the row count the prompt gave', () => {
    const answer = 'In total 3,722,221.75 over 3 months, about 1,240,740.58 a month.';
    expect(dropUncitedNumbers(answer, allowed).unverified).toEqual([]);
  });

  it('drops a sentence citing a number the rows do not hold, and names the number', () => {
    const answer = 'Sales peaked in March at 1.5 million. February fell 20% below January.';
    expect(dropUncitedNumbers(answer, allowed)).toEqual({
      answer: 'Sales peaked in March at 1.5 million.',
      unverified: ['20%'],
    });
  });

  it('drops invented numbers in Chinese sentences too', () => {
    const answer = '三月销售额最高，为150万。二月共有4321笔订单。';
    expect(dropUncitedNumbers(answer, allowed)).toEqual({
      answer: '三月销售额最高，为150万。',
      unverified: ['4321'],
    });
  });

  it('does not accept a number that rounding cannot reach', () => {
    expect(dropUncitedNumbers('January had 1,234,000 in sales.', allowed).unverified).toEqual([
      '1,234,000',
    ]);
  });
});
