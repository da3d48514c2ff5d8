import type { HelpRequest, HistoryEvent, PersonRef, Platform } from '../domain/request.js';
import type { Scenario } from '../scenario/schema.js';
import type { DistrictChat } from '../services/ports.js';
import type { LifecycleOutcome } from '../services/request-lifecycle.js';
import type { ExportColumn, ExportLabels } from '../services/request-export.js';
import type { CoordinatorTexts, ListView, RequestTexts } from '../services/texts.js';
import type { PersonName } from '../services/console/people-lookup.js';
import { isoDate, MAX_PERIOD_DAYS, type Period, type PeriodError } from '../domain/calendar.js';
import type { RequestStats } from '../services/request-stats.js';
import type { Catalog } from '../scenario/text.js';
import { formatDuration } from './durations.js';

/** Telegram and VK both cut a message at 4096 characters; a card longer than that loses its oldest history. */
const MAX_MESSAGE = 4000;
/** The newest history events a card shows; older ones are counted. */
const HISTORY_SHOWN = 25;

/**
 * Everything coordinators read, from the `coordinator:` section of the catalogs: command syntax,
 * lists, the request card with its history, outcomes and refusals, statistics, export captions and
 * the command menus. Plain text only: whatever people typed is shown exactly, never parsed as markup.
 */
export function createCoordinatorTexts(catalog: Catalog, requestTexts: RequestTexts, scenario: Scenario, timeZone: string): CoordinatorTexts {
  const t = (key: string, params?: Record<string, string | number>) => catalog.t(`coordinator.${key}`, params);
  // A channel without a name in the catalog (a partner line, say) is shown by its code.
  const channel = (code: string) => (catalog.has(`coordinator.channel.${code}`) ? t(`channel.${code}`) : code);

  const personName = (name: PersonName) => (name.kind === 'username' ? `@${name.username}` : t('idLabel', { userId: name.userId }));
  const periodLabel = (period: Period) => {
    const first = requestTexts.date(new Date(Date.UTC(period.firstDay.year, period.firstDay.month - 1, period.firstDay.day, 12)));
    const last = requestTexts.date(new Date(Date.UTC(period.lastDay.year, period.lastDay.month - 1, period.lastDay.day, 12)));
    return first === last ? first : `${first}–${last}`;
  };

  const duration = (ms: number) => formatDuration(catalog, ms);

  function extraLines(request: HelpRequest): string {
    return Object.entries(request.extra)
      .map(([stepId, value]) => {
        const step = scenario.steps.find((s) => s.id === stepId);
        if (!step?.label) return '';
        const choice = step.type === 'choice' ? step.choices?.find((c) => c.value === value) : undefined;
        return `\n${catalog.t(step.label)}: ${choice ? catalog.t(choice.label) : value}`;
      })
      .join('');
  }

  function historyLine(request: HelpRequest, event: HistoryEvent, names: ReadonlyMap<string, string>, personal: boolean): string {
    const same = (a: PersonRef | undefined, b: PersonRef | undefined) => !!a && !!b && a.platform === b.platform && a.userId === b.userId;
    const who = (person: PersonRef | undefined): string => {
      // An erased request keeps no messenger ids of its requester: their own events say so by note.
      if (!person) return event.note === 'by_requester' ? t('history.requester') : t('history.system');
      if (same(person, request.requester)) return t('history.requester');
      for (const v of [event.volunteer, event.previousVolunteer, request.volunteer]) if (v && same(v, person)) return v.displayName;
      return names.get(`${person.platform}:${person.userId}`) ?? t('idLabel', { userId: person.userId });
    };
    let key: string = event.type;
    if (event.type === 'posted' && event.note === 'headquarters') key = 'postedHeadquarters';
    if (event.type === 'assigned' && event.previousVolunteer) key = 'reassigned';
    if (event.type === 'cancelled' && event.note === 'by_requester') key = 'withdrawn';
    if (event.type === 'cancelled' && event.note === 'expired') key = 'expired';
    if (event.type === 'message') key = `message_${event.from ?? 'requester'}`;
    const what = catalog.has(`coordinator.history.${key}`)
      ? t(`history.${key}`, {
          who: who(event.actor),
          volunteer: event.volunteer?.displayName ?? who(event.actor),
          previous: event.previousVolunteer?.displayName ?? '',
        })
      : event.type;
    const line = t('history.line', { time: requestTexts.dateTime(event.at), what, channel: event.channel ? channel(event.channel) : '—' });
    if (!event.comment) return line;
    // Reasons and comments are what people typed, erased with the personal data: not for the HQ chat.
    return `${line}\n    ${personal ? t('history.comment', { comment: event.comment }) : t('history.commentHidden')}`;
  }

  const texts = {
    notCoordinator: () => catalog.t('bot.errors.notCoordinator'),
    wrongPlace: () => t('wrongPlace'),
    staleButton: () => t('staleButton'),
    usage: (command: string) => t(`usage.${command}`),
    /**
     * /help: the commands the person may use, where they asked. A coordinator gets the console's
     * `commands` (in the console's order) with their syntax and then everything else they may type;
     * anyone else the commands of a private chat and of a volunteers' group, each with what it does.
     */
    help(who: { coordinator: boolean; place: 'private' | 'hq' | 'group' }, commands: readonly string[]): string {
      const section = (title: string, keys: readonly string[]) => [t(title), ...keys.map((key) => t(`help.${key}`))].join('\n');
      const privateChat = section('help.privateTitle', ['start', 'my', 'tasks', 'volunteer', 'reply', 'cancel', 'forget', 'id', 'console']);
      const group = section('help.groupTitle', ['claim', 'groupId', ...(who.coordinator ? ['bind', 'unbind'] : [])]);
      if (!who.coordinator) return who.place === 'private' ? [privateChat, group].join('\n\n') : group;
      const consoleCommands = [t('helpTitle'), ...commands.map((c) => t(`usage.${c}`))].join('\n\n');
      return [consoleCommands, section('help.headquartersTitle', ['headquarters']), privateChat, group].join('\n\n');
    },
    unknownDistrict: (input: string, districts: readonly string[]) => t('unknownDistrict', { input, districts: districts.join(', ') }),
    notFound: (number: number) => t('notFound', { number }),
    confirmErase: (number: number) => t('confirmErase', { number }),
    erased: (number: number) => t('erased', { number }),
    eraseRefused: (why: 'open' | 'already_erased' | 'not_found', number: number) =>
      why === 'not_found' ? t('notFound', { number }) : t(`eraseRefused.${why}`, { number }),
    button: (kind: Parameters<CoordinatorTexts['button']>[0], number?: number) => t(`button.${kind}`, number === undefined ? {} : { number }),
    channel,
    duration,
    historyLine,

    list(view: ListView): string {
      const hours = duration(view.overdueAfterMs);
      if (view.total === 0) {
        if (view.kind === 'overdue') return t('list.overdueEmpty', { hours });
        return view.district ? t('list.openEmptyDistrict', { district: view.district }) : t('list.openEmpty');
      }
      const title =
        view.kind === 'overdue'
          ? t('list.overdueTitle', { hours, total: view.total })
          : view.district
            ? t('list.openTitleDistrict', { district: view.district, total: view.total })
            : t('list.openTitle', { total: view.total });
      const lines = view.items.map((r) =>
        t(r.volunteer ? 'list.lineWithVolunteer' : 'list.line', {
          number: r.number,
          time: requestTexts.dateTime(r.createdAt),
          district: r.district,
          helpKind: requestTexts.helpKind(r.helpKind),
          status: requestTexts.status(r.status),
          volunteer: r.volunteer?.displayName ?? '',
        }),
      );
      const page = view.pages > 1 ? ` (${t('list.page', { page: view.page + 1, pages: view.pages })})` : '';
      return [`${title}${page}`, '', ...lines, '', t('list.hint')].join('\n');
    },

    card(request: HelpRequest, options: { personal: boolean; names: ReadonlyMap<string, string> }): string {
      const head = [
        t('card.title', { number: request.number, status: requestTexts.status(request.status) }),
        t('card.fields', {
          district: request.district,
          category: requestTexts.category(request.category),
          age: request.age ?? request.ageBand,
          helpKind: requestTexts.helpKind(request.helpKind),
          extra: extraLines(request),
          time: requestTexts.dateTime(request.createdAt),
          channel: channel(request.channel),
        }),
      ];
      if (request.volunteer) head.push(t('card.volunteer', { volunteer: request.volunteer.displayName, channel: channel(request.volunteer.platform) }));
      const { applicant: _shownBelow, ...own } = request.personal;
      const personal = options.personal ? t('card.personal', { ...own }) + requestTexts.onBehalf(request) : t('card.personalHidden');
      const events = request.history.slice(-HISTORY_SHOWN);
      const earlier = request.history.length - events.length;
      const history = [
        t('card.history'),
        ...(earlier > 0 ? [t('card.earlier', { count: earlier })] : []),
        ...events.map((e) => historyLine(request, e, options.names, options.personal)),
      ];
      const text = [head.join('\n'), personal, history.join('\n')].join('\n\n');
      return text.length <= MAX_MESSAGE ? text : `${text.slice(0, MAX_MESSAGE - 1)}…`;
    },

    confirmClose: (number: number) => t('confirmClose', { number }),
    cancelHint: (number: number) => t('cancelHint', { number }),
    assignHint: (number: number) => t('assignHint', { number }),

    closed(request: HelpRequest): string {
      const volunteer = request.volunteer?.displayName;
      return volunteer ? t('closedWithVolunteer', { number: request.number, volunteer }) : t('closed', { number: request.number });
    },
    cancelled(request: HelpRequest): string {
      const volunteer = request.volunteer?.displayName;
      return volunteer ? t('cancelledWithVolunteer', { number: request.number, volunteer }) : t('cancelled', { number: request.number });
    },
    assigned(request: HelpRequest): string {
      const last = request.history.at(-1);
      const volunteer = request.volunteer?.displayName ?? '';
      const previous = last?.type === 'assigned' ? last.previousVolunteer?.displayName : undefined;
      return previous ? t('reassigned', { number: request.number, volunteer, previous }) : t('assigned', { number: request.number, volunteer });
    },
    refused(outcome: Exclude<LifecycleOutcome, { kind: 'changed' }>, number: number, command: 'close' | 'cancel' | 'assign'): string {
      if (outcome.kind === 'not_found') return t('notFound', { number });
      const specific = `coordinator.refused.${command}.${outcome.refusal}`;
      return catalog.has(specific) ? catalog.t(specific, { number }) : t(`refused.${outcome.refusal}`, { number });
    },

    unknownVolunteer: (name: PersonName, number: number) => t('unknownVolunteer', { who: personName(name), number }),
    unknownPerson: (name: PersonName) => t('unknownPerson', { who: personName(name) }),
    usernamesTelegramOnly: () => t('usernamesTelegramOnly'),
    fallbackName: (person: PersonRef) => t('idLabel', { userId: person.userId }),
    personLabel: (person: PersonRef & { displayName?: string }) =>
      person.displayName ? t('personLabel', { name: person.displayName, userId: person.userId }) : t('idLabel', { userId: person.userId }),

    granted: (person: string, told?: boolean) =>
      told === undefined ? t('roles.granted', { person }) : `${t('roles.granted', { person })} ${t(told ? 'roles.told' : 'roles.notTold')}`,
    roleNotice: (role: 'coordinator' | 'operator') => t(`roles.notice.${role}`),
    alreadyCoordinator: (person: string) => t('roles.alreadyCoordinator', { person }),
    alreadyConfigured: (person: string) => t('roles.alreadyConfigured', { person }),
    cannotRevokeConfigured: (person: string, platform: Platform) =>
      t('roles.cannotRevokeConfigured', { person, variable: `COORDINATOR_${platform.toUpperCase()}_IDS` }),
    revoked: (person: string) => t('roles.revoked', { person }),
    notCoordinatorAnyway: (person: string) => t('roles.notCoordinator', { person }),

    badPeriod(command: 'stats' | 'export', input: string, error: PeriodError): string {
      const problem = error === 'unknown' ? t('period.unknown', { input }) : t(`period.${error}`, { input, max: MAX_PERIOD_DAYS });
      return `${problem}\n\n${t(`usage.${command}`)}`;
    },

    stats(period: Period, stats: RequestStats): string {
      const label = periodLabel(period);
      if (stats.total === 0) return t('stats.empty', { period: label });
      const items = (entries: [string, number][]) => entries.map(([name, count]) => t('stats.item', { name, count })).join(', ');
      const nonZero = <K extends string>(record: Record<K, number>) => (Object.entries(record) as [K, number][]).filter(([, n]) => n > 0);
      const median = (m: { medianMs: number | null; count: number }) =>
        m.medianMs === null ? t('stats.noData') : t('stats.median', { duration: duration(m.medianMs), count: m.count });
      return [
        t('stats.title', { period: label, total: stats.total }),
        '',
        t('stats.byStatus', { list: items(nonZero(stats.byStatus).map(([s, n]) => [requestTexts.status(s), n])) }),
        t('stats.byDistrict', { list: items(stats.byDistrict) }),
        t('stats.byHelpKind', { list: items(stats.byHelpKind.map(([k, n]) => [requestTexts.helpKind(k), n])) }),
        t('stats.byCategory', { list: items(stats.byCategory.map(([c, n]) => [requestTexts.category(c), n])) }),
        t('stats.byChannel', { list: items(nonZero(stats.byChannel).map(([c, n]) => [channel(c), n])) }),
        stats.forSomeoneElse.count === 0
          ? t('stats.forSomeoneElseNone')
          : t('stats.forSomeoneElse', {
              count: stats.forSomeoneElse.count,
              list: items(stats.forSomeoneElse.byRelation.map(([r, n]) => [requestTexts.relation(r), n])),
            }),
        '',
        t('stats.toClaim', { value: median(stats.toClaim) }),
        t('stats.toDone', { value: median(stats.toDone) }),
      ].join('\n');
    },

    exportLabels(): ExportLabels {
      const format = new Intl.DateTimeFormat('en-CA', {
        timeZone,
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      });
      return {
        header: (column: ExportColumn) => t(`export.column.${column}`),
        category: requestTexts.category,
        helpKind: requestTexts.helpKind,
        status: requestTexts.status,
        channel,
        filedFor: (forSomeoneElse) => t(forSomeoneElse ? 'export.filedFor.other' : 'export.filedFor.self'),
        relation: requestTexts.relation,
        callFirst: requestTexts.callFirst,
        dateTime: (at) => format.format(at).replace(', ', ' '),
      };
    },
    exportCaption: (period: Period, count: number, full: boolean) => t(full ? 'export.captionFull' : 'export.caption', { period: periodLabel(period), count }),
    exportFileName: (period: Period, full: boolean) => `requests${full ? '-full' : ''}_${isoDate(period.firstDay)}_${isoDate(period.lastDay)}.csv`,
    exportTelegramOnly: () => t('export.telegramOnly'),
    fullExportPrivateOnly: () => t('export.fullPrivateOnly'),

    districts(districts: readonly string[], chats: readonly DistrictChat[]): string {
      // Whether the chat still takes the district's posts: when it last had one, or since when and
      // why the bot cannot write there.
      const chatHealth = (c: DistrictChat) =>
        c.broken
          ? t('districts.broken', {
              since: requestTexts.dateTime(c.broken.at),
              reason: catalog.t(`group.lostReason.${c.broken.reason}`),
              district: c.district,
            })
          : c.lastPostAt
            ? t('districts.lastPost', { at: requestTexts.dateTime(c.lastPostAt) })
            : t('districts.noPostYet');
      const chatsOf = (district: string) =>
        chats
          .filter((c) => c.district === district)
          // A group is known by its title; the id only where the bot learnt none.
          .map((c) => {
            const name = c.title
              ? t('districts.chatTitled', { title: c.title, channel: channel(c.platform) })
              : t('districts.chat', { channel: channel(c.platform), chatId: c.chatId });
            return `${name} — ${chatHealth(c)}`;
          });
      const line = (district: string, key: 'line' | 'lineUnknown') => {
        const bound = chatsOf(district);
        return t(`districts.${key}`, { district, chats: bound.length > 0 ? bound.join('; ') : t('districts.none') });
      };
      // A chat may still be bound to a district since taken out of the configuration: show it too.
      const stray = [...new Set(chats.map((c) => c.district))].filter((d) => !districts.includes(d));
      return [t('districts.title'), ...districts.map((d) => line(d, 'line')), ...stray.map((d) => line(d, 'lineUnknown'))].join('\n');
    },

    menu: (command: string) => t(`menu.${command}`),
  };
  return texts;
}
