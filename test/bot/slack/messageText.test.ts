import { describe, expect, it } from 'vitest';
import { mentionsUser, questionFromSlackText } from '../../../bot/src/slack/messageText.js';

describe('questionFromSlackText', () => {
  it('strips the bot mention and decodes Slack markup', () => {
    expect(
      questionFromSlackText(
        '<@UQUARRY> employees with salary &gt; 20000 &amp; in <#C1|beijing>',
        'UQUARRY',
      ),
    ).toBe('employees with salary > 20000 & in #beijing');
    expect(questionFromSlackText('<@UQUARRY|quarry>  研发中心有多少人？', 'UQUARRY')).toBe(
      '研发中心有多少人？',
    );
    expect(
      questionFromSlackText('ask <@UOTHER|li> about <https://x.example/a|the report>', 'UQUARRY'),
    ).toBe('ask @li about the report');
    expect(questionFromSlackText('<@UQUARRY>', 'UQUARRY')).toBe('');
  });

  it('knows whether a message mentions the bot', () => {
    expect(mentionsUser('hi <@UQUARRY> there', 'UQUARRY')).toBe(true);
    expect(mentionsUser('hi <@UOTHER>', 'UQUARRY')).toBe(false);
  });
});
