import { DECISIONS, VETTING_DECISIONS, VOLUNTEER_STATUSES, type VettingDecision, type VolunteerRecord, type VolunteerStatus } from '../../domain/volunteer.js';
import type { ConsoleUser } from '../../services/console-access.js';
import { html, type Html } from './html.js';
import { consoleText, csrfField, layout, type Notice, option, type ViewContext } from './views.js';
import type { VettingTexts } from '../../services/texts.js';

/** The list's filters, as the page's forms send them back (so a decision returns to the same list). */
export interface VolunteerFilters {
  status: VolunteerStatus;
  district: string | undefined;
  page: number;
}

/** A decision's form refused (no reason): which one, and what was typed, shown again. */
export interface RefusedForm {
  number: number;
  decision: VettingDecision;
  reason: string;
}

export interface VolunteersView {
  filters: VolunteerFilters;
  items: VolunteerRecord[];
  total: number;
  pages: number;
  /** The address of another page of the same list. */
  query: (page: number) => string;
  refused?: RefusedForm;
}

/** Decisions whose applicant reads why: their forms carry a reason field the server requires too. */
const WITH_REASON: ReadonlySet<VettingDecision> = new Set(['reject', 'suspend']);
/** As long as the vetting service keeps a reason. */
const MAX_REASON = 500;

/** «Волонтёры»: applications and volunteers by status and district, newest first, with the decisions each allows. */
export function volunteersPage(v: ViewContext, texts: VettingTexts, user: ConsoleUser, view: VolunteersView, notice?: Notice): Html {
  const t = consoleText(v.catalog);
  const { filters } = view;
  const cards = view.items.map((record) => volunteerCard(v, texts, user, record, filters, view.refused));
  const body = html`<h1>${t('volunteers.title')}</h1>
    <p class="muted">${t('volunteers.hint')}</p>
    <form class="filters card" method="get" action="/console/volunteers">
      <label>${t('volunteers.status')}<select name="status">${VOLUNTEER_STATUSES.map((s) => option(s, texts.status(s), filters.status))}</select></label>
      <label>${t('volunteers.district')}<select name="district">${option('', t('volunteers.anyDistrict'), filters.district ?? '')}${v.districts.map((d) =>
        option(d, d, filters.district ?? ''),
      )}</select></label>
      <button type="submit">${t('volunteers.apply')}</button>
    </form>
    <p class="muted">${t('volunteers.total', { total: view.total })}</p>
    ${view.items.length === 0 ? html`<div class="card">${t('volunteers.empty')}</div>` : cards}
    ${pager(v, filters.page, view.pages, view.query)}`;
  return layout(v, user, 'volunteers', t('volunteers.title'), body, notice);
}

function pager(v: ViewContext, page: number, pages: number, query: (page: number) => string): Html {
  const t = consoleText(v.catalog);
  if (pages <= 1) return html``;
  return html`<div class="pager">
      ${page > 1 && html`<a href="${query(page - 1)}">${t('board.previous')}</a>`}
      <span>${t('board.page', { page, pages })}</span>
      ${page < pages && html`<a href="${query(page + 1)}">${t('board.next')}</a>`}
    </div>`;
}

/** One application: what the applicant wrote (the phone too: only coordinators see this page) and its forms. */
function volunteerCard(
  v: ViewContext,
  texts: VettingTexts,
  user: ConsoleUser,
  record: VolunteerRecord,
  filters: VolunteerFilters,
  refused: RefusedForm | undefined,
): Html {
  const t = consoleText(v.catalog);
  const none = v.catalog.t('vetting.none');
  const listOf = (items: readonly string[]) => (items.length > 0 ? items.join(', ') : none);
  const field = (label: string, value: unknown) => html`<dt>${label}</dt><dd>${value}</dd>`;
  const phone = record.details?.phone;
  const reasoned = [...record.history].reverse().find((event) => event.reason);
  const decisions = VETTING_DECISIONS.filter((d) => DECISIONS[d].from.includes(record.status));
  return html`<section class="card volunteer" id="volunteer-${record.number}">
    <h2>${t('volunteers.cardTitle', { number: record.number, status: texts.status(record.status) })}</h2>
    <dl class="fields">
      ${field(t('volunteers.name'), record.details?.name ?? v.catalog.t('vetting.noName'))}
      ${field(t('volunteers.phone'), phone ? html`<a href="tel:${phone}">${phone}</a>` : none)}
      ${field(t('volunteers.districts'), listOf(record.districts))}
      ${field(t('volunteers.skills'), listOf(record.skills.map(texts.skill)))}
      ${field(t('volunteers.applied'), v.texts.dateTime(record.appliedAt))}
      ${field(t('volunteers.channel'), v.coordinatorTexts.channel(record.person.platform))}
      ${
        reasoned &&
        field(
          t('volunteers.reason.last'),
          html`${reasoned.reason} <span class="muted">(${t('volunteers.reason.when', { status: texts.status(reasoned.status), date: v.texts.dateTime(reasoned.at) })})</span>`,
        )
      }
    </dl>
    ${
      decisions.length > 0 &&
      html`<h3 class="no-print">${t('volunteers.decision')}</h3><div class="actions no-print">${decisions.map((d) =>
        decisionForm(v, user, record.number, d, filters, refused?.number === record.number && refused.decision === d ? refused : undefined),
      )}</div>`
    }
  </section>`;
}

/** A decision's form; the list's filters ride along so the answer comes back to the same list. */
function decisionForm(v: ViewContext, user: ConsoleUser, number: number, decision: VettingDecision, filters: VolunteerFilters, refused?: RefusedForm): Html {
  const t = consoleText(v.catalog);
  const id = `reason-${number}-${decision}`;
  const reason =
    WITH_REASON.has(decision) &&
    html`<div class="field ${refused ? 'invalid' : ''}">
      <label for="${id}">${t(`volunteers.reason.${decision}`)}</label>
      <textarea id="${id}" name="reason" rows="2" maxlength="${MAX_REASON}" required ${refused ? 'autofocus' : ''}>${refused?.reason ?? ''}</textarea>
      ${refused && html`<div class="error">${t(`volunteers.reasonNeeded.${decision}`, { number })}</div>`}
    </div>`;
  return html`<form method="post" action="/console/volunteers/${number}/${decision}">${csrfField(user)}
      <input type="hidden" name="status" value="${filters.status}">
      ${filters.district !== undefined && html`<input type="hidden" name="district" value="${filters.district}">`}
      <input type="hidden" name="page" value="${filters.page}">
      ${reason}
      <button type="submit" class="${WITH_REASON.has(decision) ? 'danger' : ''}">${t(`volunteers.decide.${decision}`)}</button>
    </form>`;
}
