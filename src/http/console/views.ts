import { REQUEST_STATUSES, type HelpRequest, type Platform, type RequestStatus } from '../../domain/request.js';
import type { Scenario } from '../../scenario/schema.js';
import { type Text, type Catalog, renderText } from '../../scenario/text.js';
import type { ConsoleUser } from '../../services/console-access.js';
import { personKey } from '../../services/console/people-lookup.js';
import type { RequestCard } from '../../services/console/request-desk.js';
import type { Dashboard } from '../../services/dashboard.js';
import type { FormField, FormValues } from '../../services/form-intake.js';
import type { KnownPerson, Question } from '../../services/ports.js';
import type { PreviewState } from '../../services/scenario-preview.js';
import { horizontalBars, stackedColumns } from './charts.js';
import { html, type Html } from './html.js';
import type { CoordinatorTexts, RequestTexts } from '../../services/texts.js';

/** Pages of the console, as the navigation names them. */
export type Section = 'dashboard' | 'requests' | 'questions' | 'intake' | 'preview' | 'volunteers' | 'people';

/** What every page template needs: words, who is signed in, and how requests are named. */
export interface ViewContext {
  catalog: Catalog;
  texts: RequestTexts;
  coordinatorTexts: CoordinatorTexts;
  districts: readonly string[];
  scenario: Scenario;
  /** The platforms this system runs, in start order: the only ones a person can be named on. */
  platforms: readonly Platform[];
}

/** A notice at the top of a page: what just happened, or why it did not. */
export interface Notice {
  text: string;
  error?: boolean;
}

type Params = Record<string, string | number>;

/** The console's words: the `console:` section of the catalog. */
export function consoleText(catalog: Catalog) {
  return (key: string, params?: Params) => catalog.t(`console.${key}`, params);
}

export const csrfField = (user: ConsoleUser) => html`<input type="hidden" name="_csrf" value="${user.csrfToken}">`;

/** The frame of every signed-in page: navigation by role, who is signed in, sign-out. */
export function layout(v: ViewContext, user: ConsoleUser, section: Section, title: string, body: Html, notice?: Notice): Html {
  const t = consoleText(v.catalog);
  const item = (key: Section, href: string) => html`<a href="${href}" class="${key === section ? 'active' : ''}">${t(`nav.${key}`)}</a>`;
  return document(
    v,
    title,
    html`<header class="top">
        <span class="brand">${t('brand')}</span>
        <nav>
          ${item('dashboard', '/console/dashboard')} ${item('requests', '/console/requests')}
          ${user.role === 'coordinator' && item('questions', '/console/questions')} ${item('intake', '/console/intake')}
          ${item('preview', '/console/preview')} ${user.role === 'coordinator' && item('volunteers', '/console/volunteers')}
          ${user.role === 'coordinator' && item('people', '/console/people')}
        </nav>
        <span class="who">
          <span>${user.displayName} · ${t(`role.${user.role}`)}</span>
          <form method="post" action="/console/logout">${csrfField(user)}<button type="submit">${t('signOut')}</button></form>
        </span>
      </header>
      <main>
        ${notice && html`<div class="notice ${notice.error ? 'error' : ''}" role="status">${notice.text}</div>`}
        ${body}
      </main>`,
  );
}

/** A whole HTML document; nothing is loaded from anywhere but the console itself. */
export function document(v: ViewContext, title: string, body: Html): Html {
  const t = consoleText(v.catalog);
  return html`<!doctype html>
<html lang="${v.catalog.locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} — ${t('brand')}</title>
<link rel="icon" href="/console/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer></script>
</head>
<body>
${body}
</body>
</html>`;
}

/** The page a sign-in link opens: one button, so a link preview fetching the page does not use the link up. */
export function loginPage(v: ViewContext, state: { token?: string; notice?: Notice }): Html {
  const t = consoleText(v.catalog);
  return document(
    v,
    t('login.title'),
    html`<main class="login"><div class="card">
      <h1>${t('login.title')}</h1>
      ${state.notice && html`<div class="notice ${state.notice.error ? 'error' : ''}" role="status">${state.notice.text}</div>`}
      ${
        state.token
          ? html`<p>${t('login.confirm')}</p>
            <form method="post" action="/console/login"><input type="hidden" name="token" value="${state.token}"><button type="submit">${t('login.button')}</button></form>`
          : html`<p>${t('login.noToken')}</p>`
      }
    </div></main>`,
  );
}

/** A page that only says something (forbidden, not found). */
export function messagePage(v: ViewContext, user: ConsoleUser, section: Section, title: string, text: string): Html {
  return layout(v, user, section, title, html`<div class="card"><h1>${title}</h1><p>${text}</p></div>`);
}

/** An address the console has no page for: in the signed-in frame, or with the way to sign in. */
export function notFoundPage(v: ViewContext, user: ConsoleUser | null): Html {
  const t = consoleText(v.catalog);
  const text = html`<p>${t('notFound.text')}</p>`;
  if (user)
    return layout(
      v,
      user,
      'dashboard',
      t('notFound.title'),
      html`<div class="card"><h1>${t('notFound.title')}</h1>${text}<p><a href="/console/dashboard">${t('notFound.home')}</a></p></div>`,
    );
  return document(
    v,
    t('notFound.title'),
    html`<main class="login"><div class="card"><h1>${t('notFound.title')}</h1>${text}<p><a href="/console/login">${t('notFound.signIn')}</a></p></div></main>`,
  );
}

// ---------------------------------------------------------------------------------------------
// Request board and card

/** The board's filters as the page's query has them (all strings; empty means any). */
export interface BoardFilters {
  status: string;
  district: string;
  helpKind: string;
  channel: string;
  from: string;
  to: string;
}

const statusBadge = (v: ViewContext, status: RequestStatus) => html`<span class="badge ${status}">${v.texts.status(status)}</span>`;

export function option(value: string, label: string, selected: string): Html {
  return html`<option value="${value}" ${value === selected ? 'selected' : ''}>${label}</option>`;
}

/**
 * The platforms a person may be named on: those the system runs (a volunteer on another could never
 * get the task card), the first selected; the routes read any other as the first too.
 */
function platformOptions(v: ViewContext): Html[] {
  return v.platforms.map((platform, index) => option(platform, v.coordinatorTexts.channel(platform), index === 0 ? platform : ''));
}

export function boardPage(
  v: ViewContext,
  user: ConsoleUser,
  view: {
    filters: BoardFilters;
    items: HelpRequest[];
    total: number;
    page: number;
    pages: number;
    channels: string[];
    helpKinds: readonly string[];
    query: (page: number) => string;
  },
  notice?: Notice,
): Html {
  const t = consoleText(v.catalog);
  const f = view.filters;
  // Each cell names its column (data-label): on a phone the rows are drawn as cards, each line titled.
  const rows = view.items.map(
    (r) => html`<tr>
      <td class="number"><a href="/console/requests/${r.number}">№${r.number}</a></td>
      <td data-label="${t('board.createdAt')}">${v.texts.dateTime(r.createdAt)}</td>
      <td data-label="${t('board.district')}">${r.district}</td>
      <td data-label="${t('board.helpKind')}">${v.texts.helpKind(r.helpKind)}</td>
      <td class="status">${statusBadge(v, r.status)}</td>
      <td data-label="${t('board.channel')}">${v.coordinatorTexts.channel(r.channel)}</td>
      <td data-label="${t('board.volunteer')}">${r.volunteer?.displayName ?? ''}</td>
    </tr>`,
  );
  const body = html`<h1>${t('board.title')}</h1>
    <form class="filters card" method="get" action="/console/requests">
      <label>${t('board.status')}<select name="status">${option('', t('board.any'), f.status)}${option('open', t('board.open'), f.status)}${REQUEST_STATUSES.map((s) => option(s, v.texts.status(s), f.status))}</select></label>
      <label>${t('board.district')}<select name="district">${option('', t('board.any'), f.district)}${v.districts.map((d) => option(d, d, f.district))}</select></label>
      <label>${t('board.helpKind')}<select name="helpKind">${option('', t('board.any'), f.helpKind)}${view.helpKinds.map((k) => option(k, v.texts.helpKind(k), f.helpKind))}</select></label>
      <label>${t('board.channel')}<select name="channel">${option('', t('board.any'), f.channel)}${view.channels.map((c) => option(c, v.coordinatorTexts.channel(c), f.channel))}</select></label>
      <label>${t('board.from')}<input type="date" name="from" value="${f.from}"></label>
      <label>${t('board.to')}<input type="date" name="to" value="${f.to}"></label>
      <button type="submit">${t('board.apply')}</button>
      <a class="button secondary" href="/console/requests">${t('board.reset')}</a>
    </form>
    <p class="muted">${t('board.total', { total: view.total })}</p>
    ${
      view.items.length === 0
        ? html`<div class="card">${t('board.empty')}</div>`
        : html`<table class="board">
          <thead><tr><th>${t('board.number')}</th><th>${t('board.createdAt')}</th><th>${t('board.district')}</th><th>${t('board.helpKind')}</th><th>${t('board.status')}</th><th>${t('board.channel')}</th><th>${t('board.volunteer')}</th></tr></thead>
          <tbody>${rows}</tbody>
        </table>`
    }
    ${
      view.pages > 1 &&
      html`<div class="pager">
      ${view.page > 1 && html`<a href="${view.query(view.page - 1)}">${t('board.previous')}</a>`}
      <span>${t('board.page', { page: view.page, pages: view.pages })}</span>
      ${view.page < view.pages && html`<a href="${view.query(view.page + 1)}">${t('board.next')}</a>`}
    </div>`
    }`;
  return layout(v, user, 'requests', t('board.title'), body, notice);
}

/** Who was shown the request's personal data, when, through what and how: for coordinators. */
function accessCard(v: ViewContext, card: RequestCard): Html {
  const t = consoleText(v.catalog);
  const rows = card.accessRecords.map(
    (r) =>
      html`<li>${v.texts.dateTime(r.at)} · ${card.names.get(personKey(r.viewer)) ?? v.coordinatorTexts.fallbackName(r.viewer)} · ${v.coordinatorTexts.channel(r.channel)} · ${t(`card.access.${r.kind}`)}${r.withdrawnAt ? html` · ${t('card.access.withdrawn', { at: v.texts.dateTime(r.withdrawnAt) })}` : ''}</li>`,
  );
  return html`<div class="card"><h2>${t('card.access.title')}</h2>${
    rows.length > 0 ? html`<ol class="history">${rows}</ol>` : html`<p class="muted">${t('card.access.none')}</p>`
  }</div>`;
}

export function cardPage(v: ViewContext, user: ConsoleUser, card: RequestCard, notice?: Notice, canAnswer = false): Html {
  const { request, names } = card;
  const t = consoleText(v.catalog);
  const field = (label: string, value: unknown) => html`<dt>${label}</dt><dd>${value}</dd>`;
  const extra = Object.entries(request.extra);
  const open = request.status === 'new' || request.status === 'claimed';
  const erased = !!request.personalErasedAt;
  const lineOf = (event: HelpRequest['history'][number]) => {
    // What people wrote (reasons, comments) is personal too: shown where the contacts are.
    const [line, comment] = v.coordinatorTexts.historyLine(request, event, names, card.personal).split('\n');
    return html`<li>${line}${comment && html`<br><span class="comment">${comment.trim()}</span>`}</li>`;
  };
  const history = request.history.map(lineOf);
  const conversation = card.personal ? conversationCard(v, user, request, request.history.filter((e) => e.type === 'message').map(lineOf), canAnswer) : '';
  const actions =
    user.role === 'coordinator' && open
      ? html`<div class="card no-print"><h2>${t('card.actions')}</h2><div class="actions">
          <form method="post" action="/console/requests/${request.number}/assign">${csrfField(user)}
            <label>${t('card.assignTitle')}</label>
            <select name="platform">${platformOptions(v)}</select>
            <input type="text" name="volunteer" placeholder="${t('card.volunteerPlaceholder')}" required>
            <button type="submit">${t('card.assignButton')}</button>
          </form>
          <form method="post" action="/console/requests/${request.number}/close">${csrfField(user)}
            <label>${t('card.closeTitle')}</label>
            <input type="text" name="comment" placeholder="${t('card.commentPlaceholder')}">
            <button type="submit">${t('card.closeButton')}</button>
          </form>
          <form method="post" action="/console/requests/${request.number}/cancel">${csrfField(user)}
            <label>${t('card.cancelTitle')}</label>
            <input type="text" name="reason" placeholder="${t('card.reasonPlaceholder')}" required>
            <button type="submit" class="danger">${t('card.cancelButton')}</button>
          </form>
        </div></div>`
      : '';
  // Erasure before its time, for a closed request only: nobody may be sent to an address that is gone.
  const eraseForm =
    user.role === 'coordinator' && !open && !erased
      ? html`<div class="card no-print"><h2>${t('card.eraseTitle')}</h2>
          <form method="post" action="/console/requests/${request.number}/erase">${csrfField(user)}
            <p class="muted">${t('card.eraseHint')}</p>
            <label><input type="checkbox" name="confirm" value="yes" required> ${t('card.eraseConfirm')}</label>
            <button type="submit" class="danger">${t('card.eraseButton')}</button>
          </form>
        </div>`
      : '';
  const body = html`<h1>${t('card.title', { number: request.number })} ${statusBadge(v, request.status)}</h1>
    ${!request.requester && html`<div class="notice">${t('card.noRequester')}</div>`}
    <div class="grid two">
      <div class="card"><h2>${t('card.request')}</h2><dl class="fields">
        ${field(t('card.district'), request.district)}
        ${field(t('card.category'), `${v.texts.category(request.category)}, ${t('card.age', { age: request.age ?? request.ageBand })}`)}
        ${field(t('card.helpKind'), v.texts.helpKind(request.helpKind))}
        ${extra.map(([stepId, value]) => {
          // A branch question's answer, titled and worded as the scenario words it.
          const step = v.scenario.steps.find((s) => s.id === stepId);
          const choice = step?.type === 'choice' ? step.choices?.find((c) => c.value === value) : undefined;
          return field(step?.label ? v.catalog.t(step.label) : stepId, choice ? v.catalog.t(choice.label) : value);
        })}
        ${field(t('card.createdAt'), v.texts.dateTime(request.createdAt))}
        ${field(t('card.channel'), v.coordinatorTexts.channel(request.channel))}
        ${request.takenBy && field(t('card.takenBy'), request.takenBy.displayName)}
        ${field(t('card.volunteer'), request.volunteer?.displayName ?? '—')}
      </dl></div>
      <div class="card"><h2>${t('card.personal')}</h2>
        ${
          erased
            ? html`<p class="muted">${t('card.personalErased')}</p>`
            : !card.personal
              ? html`<p class="muted">${t('card.personalNotYours')}</p>`
              : html`<dl class="fields">
              ${field(t('card.name'), request.personal.name)}
              ${field(t('card.phone'), html`<a href="tel:${request.personal.phone}">${request.personal.phone}</a>`)}
              ${field(t('card.address'), request.personal.address)}
              ${field(t('card.description'), request.personal.description)}
              ${
                request.personal.applicant &&
                request.onBehalf &&
                html`${field(t('card.applicant'), `${request.personal.applicant.name} (${v.texts.relation(request.onBehalf.relation)})`)}
              ${field(t('card.applicantPhone'), html`<a href="tel:${request.personal.applicant.phone}">${request.personal.applicant.phone}</a>`)}
              ${field(t('card.callFirst'), v.texts.callFirst(request.onBehalf.callFirst))}`
              }
              ${request.codeWord && field(t('card.codeWord'), request.codeWord)}
              ${request.feedback && field(t('card.feedback'), `${request.feedback.rating}/5${request.feedback.comment ? ` — ${request.feedback.comment}` : ''}`)}
            </dl>`
        }
      </div>
    </div>
    ${conversation}
    ${actions}
    ${eraseForm}
    <div class="card"><h2>${t('card.history')}</h2><ol class="history">${history}</ol></div>
    ${user.role === 'coordinator' && accessCard(v, card)}
    <p class="no-print"><a href="/console/requests">${t('card.back')}</a></p>`;
  return layout(v, user, 'requests', t('card.title', { number: request.number }), body, notice);
}

/**
 * What the requester wrote after filing and the answers, oldest first, with who wrote each; and a
 * coordinator's form to answer while there is a chat to write to.
 */
function conversationCard(v: ViewContext, user: ConsoleUser, request: HelpRequest, lines: Html[], canAnswer: boolean): Html {
  const t = consoleText(v.catalog);
  const answerable = canAnswer && user.role === 'coordinator' && !!request.requester;
  const form = answerable
    ? html`<form method="post" action="/console/requests/${request.number}/reply" class="no-print">${csrfField(user)}
          <label for="reply-text">${t('card.replyTitle')}</label>
          <textarea id="reply-text" name="text" rows="3" maxlength="2000" placeholder="${t('card.replyPlaceholder')}" required></textarea>
          <button type="submit">${t('card.replyButton')}</button>
        </form>`
    : html``;
  if (lines.length === 0 && !answerable) return html``;
  return html`<div class="card"><h2>${t('card.conversation')}</h2>
    ${lines.length > 0 ? html`<ol class="history">${lines}</ol>` : html`<p class="muted">${t('card.conversationEmpty')}</p>`}
    ${form}
  </div>`;
}

/** «Вопросы»: words from people with no request, newest first, each with its answers and a form. */
export function questionsPage(v: ViewContext, user: ConsoleUser, questions: readonly Question[], notice?: Notice): Html {
  const t = consoleText(v.catalog);
  const items = questions.map(
    (q) => html`<li class="card">
      <p class="muted">${v.texts.dateTime(q.at)} · ${v.coordinatorTexts.channel(q.asker.platform)} · ${t('questions.asker', { userId: q.asker.userId })}</p>
      <p class="comment">${q.text}</p>
      ${q.answers.map((a) => html`<p><span class="muted">${v.texts.dateTime(a.at)} · ${t('questions.answered')}</span><br>${a.text}</p>`)}
      <form method="post" action="/console/questions/${q.id}/answer">${csrfField(user)}
        <label for="answer-${q.id}">${t('card.replyTitle')}</label>
        <textarea id="answer-${q.id}" name="text" rows="2" maxlength="2000" placeholder="${t('card.replyPlaceholder')}" required></textarea>
        <button type="submit">${t('card.replyButton')}</button>
      </form>
    </li>`,
  );
  const body = html`<h1>${t('questions.title')}</h1>
    <p class="muted">${t('questions.hint')}</p>
    ${questions.length > 0 ? html`<ol class="questions">${items}</ol>` : html`<p class="muted">${t('questions.empty')}</p>`}`;
  return layout(v, user, 'questions', t('questions.title'), body, notice);
}

// ---------------------------------------------------------------------------------------------
// Operator intake

export function intakePage(
  v: ViewContext,
  user: ConsoleUser,
  form: { fields: FormField[]; values: FormValues; errors: Record<string, Text>; formId: string },
  notice?: Notice,
): Html {
  const t = consoleText(v.catalog);
  const say = (text: Text) => renderText(v.catalog, text);
  const fields = form.fields.map((f) => {
    const value = form.values[f.id] ?? '';
    const error = form.errors[f.id];
    const when =
      f.when &&
      html` data-when-step="${f.when.step}" data-when-mode="${f.when.in ? 'in' : 'notIn'}" data-when-values="${(f.when.in ?? f.when.notIn)!.join(',')}"`;
    const id = `f-${f.id}`;
    let input: Html;
    if (f.choices.length > 0 && f.choices.length <= 8) {
      input = html`<div class="choices" role="radiogroup" aria-labelledby="${id}">${f.choices.map(
        (c) => html`<label><input type="radio" name="${f.id}" value="${c.value}" ${c.value === value ? 'checked' : ''}> ${say(c.label)}</label>`,
      )}</div>`;
    } else if (f.choices.length > 0) {
      input = html`<select name="${f.id}" aria-labelledby="${id}">${option('', '—', value)}${f.choices.map((c) => option(c.value, say(c.label), value))}</select>`;
    } else if (f.type === 'text' && (f.maxLength ?? 0) > 200) {
      input = html`<textarea name="${f.id}" aria-labelledby="${id}" rows="4">${value}</textarea>`;
    } else {
      const type = f.type === 'phone' ? 'tel' : 'text';
      input = html`<input type="${type}" name="${f.id}" value="${value}" aria-labelledby="${id}" ${f.type === 'number' ? html`inputmode="numeric"` : ''} autocomplete="off">`;
    }
    return html`<div class="field ${error ? 'invalid' : ''}"${when}>
      <span class="question" id="${id}">${f.label ? html`<strong>${say(f.label)}.</strong> ` : ''}${say(f.question)}</span>
      ${input}
      ${error && html`<div class="error">${say(error)}</div>`}
    </div>`;
  });
  const body = html`<h1>${t('intake.title')}</h1>
    <p class="muted">${t('intake.hint')}</p>
    <form class="card" method="post" action="/console/intake" data-intake novalidate>
      ${csrfField(user)}<input type="hidden" name="formId" value="${form.formId}">
      ${fields}
      <button type="submit" name="action" value="check">${t('intake.check')}</button>
    </form>`;
  return layout(v, user, 'intake', t('intake.title'), body, notice);
}

export function intakeSummaryPage(
  v: ViewContext,
  user: ConsoleUser,
  form: { values: FormValues; summary: { label: Text; value: Text }[]; formId: string },
): Html {
  const t = consoleText(v.catalog);
  const say = (text: Text) => renderText(v.catalog, text);
  const hidden = Object.entries(form.values).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value ?? ''}">`);
  const body = html`<h1>${t('intake.summaryTitle')}</h1>
    <div class="card"><dl class="fields">${form.summary.map((line) => html`<dt>${say(line.label)}</dt><dd>${say(line.value)}</dd>`)}</dl></div>
    <form method="post" action="/console/intake">
      ${csrfField(user)}<input type="hidden" name="formId" value="${form.formId}">${hidden}
      <button type="submit" name="action" value="submit">${v.catalog.t('engine.summary.submit')}</button>
      <button type="submit" name="action" value="edit" class="secondary">${v.catalog.t('engine.summary.edit')}</button>
    </form>`;
  return layout(v, user, 'intake', t('intake.summaryTitle'), body);
}

// ---------------------------------------------------------------------------------------------
// Dashboard

const SERIES_CLASS: Record<RequestStatus, string> = { new: 's-new', claimed: 's-claimed', done: 's-done', cancelled: 's-cancelled' };

/**
 * The chart's legend in HTML. A chart scales with its card, so on a phone the SVG's own legend
 * shrinks below reading size and its entries, placed without measuring text, would run into each
 * other at a size one can read; the stylesheet shows this one instead on narrow windows.
 */
function chartLegend(series: readonly { label: string; className: string }[]): Html {
  return html`<ul class="legend">${series.map((s) => html`<li><span class="swatch ${s.className}"></span>${s.label}</li>`)}</ul>`;
}

/**
 * Bars as a list: on a narrow window the stylesheet shows this instead of the SVG, whose fixed label
 * column cannot hold a long kind of help at a size one can read. A <meter> draws each bar, as the
 * console's policy allows no inline styles.
 */
function barList(items: readonly { label: string; value: number }[], className: string): Html {
  if (items.length === 0) return html``;
  const max = Math.max(1, ...items.map((item) => item.value));
  return html`<ol class="bar-list">${items.map(
    (item) =>
      html`<li><span class="bar-label">${item.label}</span><meter class="${className}" min="0" max="${max}" value="${item.value}"></meter><span class="bar-count">${item.value}</span></li>`,
  )}</ol>`;
}

export function dashboardPage(
  v: ViewContext,
  user: ConsoleUser,
  data: Dashboard,
  options: { overdueAfterMs: number; exportFrom: string; exportTo: string },
): Html {
  const t = consoleText(v.catalog);
  const duration = (m: { medianMs: number | null }) => (m.medianMs === null ? t('dashboard.noData') : v.coordinatorTexts.duration(m.medianMs));
  const dayLabel = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}`;
  const first = data.days[0]?.day ?? '';
  const last = data.days.at(-1)?.day ?? '';
  const series = REQUEST_STATUSES.map((s) => ({ key: s, label: t(`statusShort.${s}`), className: SERIES_CLASS[s] }));
  const byDistrict = data.byDistrict.map(([label, value]) => ({ label, value }));
  const byHelpKind = data.byHelpKind.map(([kind, value]) => ({ label: v.texts.helpKind(kind), value }));
  const tile = (value: string | number, label: string, note?: string, alert?: boolean) =>
    html`<div class="tile ${alert ? 'alert' : ''}"><div class="value">${value}</div><div class="label">${label}</div>${note && html`<div class="label">${note}</div>`}</div>`;
  const body = html`<h1>${t('dashboard.title')}</h1>
    <p class="muted">${t('dashboard.period', { days: data.days.length, from: dayLabel(first), to: dayLabel(last) })}</p>
    <div class="tiles">
      ${tile(data.openNow, t('dashboard.openNow'))}
      ${tile(data.overdueNow, t('dashboard.overdueNow', { hours: v.coordinatorTexts.duration(options.overdueAfterMs) }), undefined, data.overdueNow > 0)}
      ${tile(data.total, t('dashboard.total'))}
      ${tile(duration(data.toClaim), t('dashboard.toClaim'), data.toClaim.count > 0 ? t('dashboard.over', { count: data.toClaim.count }) : undefined)}
      ${tile(duration(data.toDone), t('dashboard.toDone'), data.toDone.count > 0 ? t('dashboard.over', { count: data.toDone.count }) : undefined)}
      ${tile(data.forSomeoneElse, t('dashboard.forSomeoneElse'))}
      ${tile(data.feedback.average === null ? t('dashboard.noData') : data.feedback.average.toFixed(1).replace('.', v.catalog.locale === 'ru' ? ',' : '.'), t('dashboard.feedback'), data.feedback.count > 0 ? t('dashboard.ratings', { count: data.feedback.count }) : undefined)}
    </div>
    <div class="card chart-columns"><h2>${t('dashboard.perDay')}</h2>
      ${chartLegend(series)}
      ${stackedColumns({ title: t('dashboard.perDay'), days: data.days.map((d) => ({ label: dayLabel(d.day), values: d.byStatus })), series })}
    </div>
    <div class="grid two wide">
      <div class="card chart-bars"><h2>${t('dashboard.byDistrict')}</h2>${horizontalBars({ title: t('dashboard.byDistrict'), items: byDistrict, className: 'bar', empty: t('dashboard.empty') })}${barList(byDistrict, 'bar')}</div>
      <div class="card chart-bars"><h2>${t('dashboard.byHelpKind')}</h2>${horizontalBars({ title: t('dashboard.byHelpKind'), items: byHelpKind, className: 'bar-alt', empty: t('dashboard.empty') })}${barList(byHelpKind, 'bar-alt')}</div>
    </div>
    ${
      user.role === 'coordinator' &&
      html`<form class="card filters no-print" method="get" action="/console/export.csv">
      <h2>${t('export.title')}</h2>
      <label>${t('board.from')}<input type="date" name="from" value="${options.exportFrom}" required></label>
      <label>${t('board.to')}<input type="date" name="to" value="${options.exportTo}" required></label>
      <label><span><input type="checkbox" name="full" value="1"> ${t('export.full')}</span></label>
      <button type="submit">${t('export.button')}</button>
    </form>`
    }`;
  return layout(v, user, 'dashboard', t('dashboard.title'), body);
}

// ---------------------------------------------------------------------------------------------
// Scenario preview

export function previewPage(
  v: ViewContext,
  user: ConsoleUser,
  view: { files: string[]; preview: PreviewState | null; problem?: string; selected: string },
): Html {
  const t = consoleText(v.catalog);
  const p = view.preview;
  const chat = p ? html`<div class="chat" aria-live="polite">${p.lines.map((line) => html`<div class="bubble ${line.from}">${line.text}</div>`)}</div>` : '';
  const controls = p?.prompt
    ? html`<div class="chat-controls">
          ${
            p.prompt.choices.length > 0 &&
            html`<form method="post" action="/console/preview">${csrfField(user)}<input type="hidden" name="seq" value="${p.prompt.seq}">
            ${p.prompt.choices.map((c) => html`<button type="submit" class="secondary" name="choice" value="${c.value}">${c.label}</button> `)}
          </form>`
          }
          <form method="post" action="/console/preview" class="say">${csrfField(user)}
            <input type="text" name="text" placeholder="${t('preview.placeholder')}" aria-label="${t('preview.placeholder')}" autocomplete="off">
            <button type="submit">${t('preview.say')}</button>
          </form>
          ${p.prompt.canGoBack && html`<form method="post" action="/console/preview">${csrfField(user)}<button type="submit" class="secondary" name="back" value="1">${v.catalog.t('bot.intake.back')}</button></form>`}
          <form method="post" action="/console/preview">${csrfField(user)}<button type="submit" class="secondary" name="cancel" value="1">${t('preview.cancel')}</button></form>
        </div>`
    : p
      ? html`<p class="muted">${t('preview.ended')}</p>`
      : '';
  const body = html`<h1>${t('preview.title')}</h1>
    <p class="muted">${t('preview.hint')}</p>
    <form class="card filters" method="post" action="/console/preview/start">${csrfField(user)}
      <label>${t('preview.file')}<select name="file">${view.files.map((f) => option(f, f, view.selected))}</select></label>
      <button type="submit">${t('preview.start')}</button>
    </form>
    ${view.problem && html`<div class="card"><strong>${t('preview.problem')}</strong><pre class="problem">${view.problem}</pre></div>`}
    ${p && html`<div class="card"><h2>${p.file}</h2>${chat}${controls}</div>`}`;
  return layout(v, user, 'preview', t('preview.title'), body);
}

// ---------------------------------------------------------------------------------------------
// Operators

export function peoplePage(
  v: ViewContext,
  user: ConsoleUser,
  view: { operators: (KnownPerson | { platform: string; userId: string; displayName?: string; username?: string })[]; configured: string[] },
  notice?: Notice,
): Html {
  const t = consoleText(v.catalog);
  // The public name the bot records already ends with the @username ("Анна (@anna)"): it is added only
  // to a name without it.
  const name = (p: { platform: string; userId: string; displayName?: string; username?: string }) => {
    const username = p.username ? `@${p.username}` : '';
    const shown = p.displayName ? (username && !p.displayName.includes(username) ? `${p.displayName} ${username}` : p.displayName) : username;
    return `${shown} (${v.coordinatorTexts.channel(p.platform)}, id ${p.userId})`.trim();
  };
  const body = html`<h1>${t('people.title')}</h1>
    <p class="muted">${t('people.hint')}</p>
    <div class="card">
      ${
        view.operators.length === 0
          ? html`<p>${t('people.empty')}</p>`
          : html`<table class="people"><tbody>${view.operators.map(
              (p) => html`<tr><td class="person">${name(p)}</td><td class="revoke">
              <form method="post" action="/console/people/revoke">${csrfField(user)}
                <input type="hidden" name="platform" value="${p.platform}"><input type="hidden" name="person" value="${p.userId}">
                <button type="submit" class="secondary">${t('people.revoke')}</button>
              </form></td></tr>`,
            )}</tbody></table>`
      }
      ${view.configured.length > 0 && html`<p class="muted">${t('people.configured', { list: view.configured.join(', ') })}</p>`}
    </div>
    <form class="card filters" method="post" action="/console/people/grant">${csrfField(user)}
      <label>${t('people.platform')}<select name="platform">${platformOptions(v)}</select></label>
      <label>${t('people.person')}<input type="text" name="person" required></label>
      <button type="submit">${t('people.grant')}</button>
    </form>`;
  return layout(v, user, 'people', t('people.title'), body, notice);
}
