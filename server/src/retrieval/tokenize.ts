import { stemmer } from 'stemmer';

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });
const HAN = /\p{Script=Han}/u;
const LATIN = /[a-z]/;

/** Words that carry no meaning for finding tables or similar questions. */
const STOPWORDS = new Set(
  (
    'a an the of to in on at by for from with and or not no is are was were be been being do does did ' +
    'have has had what which who whom whose when where why how many much all each every any some ' +
    'me my we our us you your it its they them their this that these those there here show list give ' +
    'find get tell return display please can could would should will shall may might than then as ' +
    'also only just more most less least into per about over under between'
  ).split(' '),
);
const HAN_STOPWORDS = new Set([
  '的',
  '了',
  '是',
  '在',
  '和',
  '与',
  '及',
  '有',
  '吗',
  '呢',
  '吧',
  '啊',
  '请',
  '我',
  '我们',
  '你',
  '一下',
  '多少',
  '哪些',
  '什么',
  '怎么',
  '显示',
  '查询',
  '列出',
  '给出',
]);

/**
 * Search terms of a text in Chinese and/or English: ICU word segmentation (Intl.Segmenter),
 * identifiers split at `_` and camelCase, English words lower-cased and stemmed, stop words
 * dropped, and Chinese words longer than two characters also as bigrams so 研发中心 meets 研发.
 */
export function tokenize(text: string): string[] {
  const terms: string[] = [];
  for (const { segment, isWordLike } of segmenter.segment(text.normalize('NFKC'))) {
    if (!isWordLike) continue;
    for (const part of splitIdentifier(segment)) {
      const word = part.toLowerCase();
      if (HAN.test(word)) {
        if (HAN_STOPWORDS.has(word)) continue;
        terms.push(word);
        if (word.length > 2)
          for (let i = 0; i + 2 <= word.length; i += 1) terms.push(word.slice(i, i + 2));
      } else if (LATIN.test(word)) {
        if (STOPWORDS.has(word)) continue;
        terms.push(stemmer(word));
      } else if (word.length > 0) {
        terms.push(word);
      }
    }
  }
  return terms;
}

function splitIdentifier(word: string): string[] {
  if (!/[_A-Za-z]/.test(word)) return [word];
  return word
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[_\s]+/)
    .filter(Boolean);
}
