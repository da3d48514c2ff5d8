import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { decide } from '../../src/domain/lifecycle.js';
import type { HelpRequest, Volunteer } from '../../src/domain/request.js';
import { formatDuration } from '../../src/messages/durations.js';
import { createJobTexts } from '../../src/messages/job-texts.js';
import { createRequestTexts } from '../../src/messages/request-texts.js';
import { startScenario } from '../../src/scenario/engine.js';
import { makeRequest } from '../support/fakes.js';
import { catalogs, engineContext, helpScenario } from '../support/scenario-fixtures.js';

// The texts a relative, a volunteer or a coordinator reads: a number takes the form it needs, a
// person's gender is never guessed, and a name is never put in a case it cannot be declined into.
const ru = catalogs.ru;
const en = catalogs.en;

/** Every Russian text, by key. */
function russianTexts(): [string, string][] {
  const flat: [string, string][] = [];
  const walk = (node: unknown, prefix: string) => {
    if (typeof node === 'string') flat.push([prefix, node]);
    else if (node && typeof node === 'object') for (const [k, v] of Object.entries(node)) walk(v, prefix ? `${prefix}.${k}` : k);
  };
  walk(parse(readFileSync(join(import.meta.dirname, '../../scenarios/locales/ru.yaml'), 'utf8')), '');
  return flat;
}

describe('a number takes the form it needs', () => {
  it('in the consent’s retention periods', () => {
    const consent = (days: number) => ru.t('request.consent.question', { closedDays: days, withdrawnDays: days, openDays: days, abandonedDays: days });
    expect(consent(1)).toContain('стираем через 1 день после закрытия');
    expect(consent(3)).toContain('стираем через 3 дня после закрытия');
    expect(consent(90)).toContain('стираем через 90 дней после закрытия');
    expect(consent(21)).toContain('Незаконченные ответы стираются через 21 день.');
    expect(en.t('request.consent.question', { closedDays: 1, withdrawnDays: 30, openDays: 30, abandonedDays: 7 })).toContain(
      'erased 1 day after it closes, one you withdraw after 30 days',
    );
  });

  it('in waits of days, which coordinators read in every report and list', () => {
    expect(formatDuration(ru, 24 * 3_600_000)).toBe('1 день');
    expect(formatDuration(ru, 5 * 24 * 3_600_000)).toBe('5 дней');
    expect(formatDuration(ru, 21 * 24 * 3_600_000 + 3 * 3_600_000)).toBe('21 день 3 ч');
    // A wait is quoted where its form fits: «дольше, чем 1 день», never «дольше 1 день».
    expect(ru.t('coordinator.list.overdueTitle', { hours: formatDuration(ru, 24 * 3_600_000), total: 2 })).toBe('Ждут волонтёра дольше, чем 1 день: 2');
  });

  it('in minutes to wait', () => {
    expect(ru.t('bot.intake.tooSoon', { minutes: 1 })).toContain('через 1 минуту.');
    expect(ru.t('bot.intake.tooSoon', { minutes: 2 })).toContain('через 2 минуты.');
    expect(ru.t('console.bot.link', { minutes: 10, url: 'https://x' })).toContain('действует 10 минут и только один раз');
    expect(ru.t('console.bot.link', { minutes: 1, url: 'https://x' })).toContain('действует 1 минуту');
    expect(ru.t('console.login.tooMany', { minutes: 5 })).toBe('Слишком много попыток входа с этого адреса. Попробуйте снова через 5 минут.');
    expect(en.t('bot.intake.tooSoon', { minutes: 1 })).toContain('in 1 minute.');
  });

  it('in days of a period', () => {
    expect(ru.t('coordinator.period.too_long', { input: 'x', max: 400 })).toContain('длиннее 400 дней');
    expect(ru.t('coordinator.period.too_long', { input: 'x', max: 31 })).toContain('длиннее 31 дня');
    expect(ru.t('console.dashboard.period', { days: 21, from: 'a', to: 'b' })).toBe('Последние 21 день: a — b');
    expect(ru.t('console.dashboard.period', { days: 30, from: 'a', to: 'b' })).toBe('Последние 30 дней: a — b');
  });

  it('and no Russian text puts a bare number before an abbreviation of days or minutes', () => {
    const bare = russianTexts().filter(([, text]) => /\{\w+\} ?(дн|мин\.|минут|дней)/.test(text));
    expect(bare).toEqual([]);
  });
});

describe('no text guesses a person’s gender', () => {
  it('no Russian text hedges with «(а)», «(на)» or «(ась)»', () => {
    expect(russianTexts().filter(([, text]) => /\((а|на|ась|ла)\)/.test(text))).toEqual([]);
  });

  it('the relative hears who took the request without a verb that agrees with the volunteer', () => {
    const text = ru.t('claim.requesterNotified', { number: 3, volunteer: 'Нина' });
    expect(text).toBe('Хорошая новость: заявку №3 взяли в работу. Волонтёр: Нина. С вами скоро свяжутся по указанному телефону.');
  });

  it('the group post names who took it the same way', () => {
    const texts = createRequestTexts(ru, 'UTC', helpScenario);
    const post = texts.groupPost(
      {
        number: 3,
        status: 'claimed',
        district: 'Ленинский',
        category: 'pensioner',
        age: 84,
        helpKind: 'groceries',
        createdAt: new Date(0),
        volunteerName: 'Нина',
      },
      false,
    );
    expect(post).toContain('Кому: Пенсионеру, 84 года');
    expect(post).toContain('✅ Заявка в работе. Волонтёр: Нина');
  });

  it('the release reasons a volunteer presses say nothing of their gender', () => {
    expect(['noAnswer', 'noTime', 'unwell', 'other'].map((code) => ru.t(`volunteer.releaseReason.${code}`))).toEqual([
      'Не могу дозвониться',
      'Не успеваю',
      'Нездоровится',
      'Другая причина',
    ]);
  });

  it('the consent’s button is the same for everyone', () => {
    const { prompt } = startScenario(helpScenario, engineContext);
    expect(prompt.choices.map((c) => engineContext.render(c.label))).toEqual(['Да, даю согласие', 'Нет']);
  });
});

describe('a name stays as it was written', () => {
  it('no Russian text declines a person’s name after a preposition or a noun in another case', () => {
    const names = '(volunteer|who|previous|person)';
    const declined = new RegExp(`(\\bот|\\bк|\\bу|волонтёру|волонтёра|волонтёром|координатору) \\{${names}\\}`);
    expect(russianTexts().filter(([, text]) => declined.test(text))).toEqual([]);
  });

  it('the history of a reassignment shows both names as they are', () => {
    expect(ru.t('coordinator.history.reassigned', { who: 'Ольга', previous: 'Пётр', volunteer: 'Нина' })).toBe(
      'Ольга: заявка передана другому волонтёру — Пётр → Нина',
    );
  });

  it('the stale-claim alert names the volunteer after a colon', () => {
    const jobs = createJobTexts(ru, createRequestTexts(ru, 'UTC', helpScenario));
    const request = makeRequest({ number: 4, volunteer: { platform: 'telegram', userId: '1', displayName: 'Нина' } });
    expect(jobs.staleAlert(request, 2 * 24 * 3_600_000)).toBe('⚠️ Заявка №4 уже 2 дня в работе и всё ещё не выполнена. Волонтёр: Нина. Карточка: /request 4');
  });
});

describe('the volunteer’s task card', () => {
  const texts = createRequestTexts(ru, 'UTC', helpScenario);
  const nina: Volunteer = { platform: 'telegram', userId: '7', displayName: 'Нина' };
  const at = new Date('2025-03-01T10:00:00Z');
  const coordinator = { person: { platform: 'telegram' as const, userId: '900' }, channel: 'telegram' as const, isCoordinator: true };

  function after(request: HelpRequest, ...actions: Parameters<typeof decide>[1][]): HelpRequest {
    let current = request;
    for (const action of actions) {
      const decided = decide(current, action, action.type === 'assign' ? coordinator : { person: nina, channel: 'telegram', isCoordinator: false }, at);
      if (!decided.ok) throw new Error(`refused: ${decided.refusal}`);
      const t = decided.transition;
      current = { ...current, status: t.status, volunteer: t.volunteer ?? undefined, history: [...current.history, t.event] } as HelpRequest;
    }
    return current;
  }

  it('begins «Вы взяли заявку» for the volunteer who took it', () => {
    const claimed = { ...makeRequest({ number: 2 }), status: 'claimed' as const, volunteer: nina };
    claimed.history = [...claimed.history, { type: 'claimed', at, volunteer: nina, channel: 'telegram' }];
    expect(texts.volunteerDetails(claimed).split('\n')[0]).toBe('Вы взяли заявку №2.');
  });

  it('begins «Вам передали заявку» for the volunteer a coordinator gave it to (/assign, the console)', () => {
    const assigned = after(makeRequest({ number: 2 }), { type: 'assign', volunteer: nina });
    expect(assigned.history.at(-1)!.type).toBe('assigned');
    expect(texts.volunteerDetails(assigned).split('\n')[0]).toBe('Вам передали заявку №2.');
    expect(createRequestTexts(en, 'UTC', helpScenario).volunteerDetails(assigned).split('\n')[0]).toBe('Request #2 was given to you.');
  });
});
