import type { HelpRequest, HistoryEvent } from '../domain/request.js';

/**
 * The separator. Excel takes the list separator of the computer's regional settings, which is `;`
 * wherever the decimal mark is a comma (Russian settings included): a `;` file opens straight into
 * columns with a double click, a `,` file lands in one column. LibreOffice and Google Sheets read
 * either.
 */
export const CSV_SEPARATOR = ';';
/** Excel reads a CSV as the local ANSI code page unless it starts with a byte-order mark: Cyrillic needs it. */
export const UTF8_BOM = '\uFEFF';

/** The words and formats of an export in the catalog's language. */
export interface ExportLabels {
  header(column: ExportColumn): string;
  category(code: string): string;
  helpKind(code: string): string;
  status(code: string): string;
  channel(code: string): string;
  /** For whom it was filed: the person's own request, or by someone else (then their relation, `relation`). */
  filedFor(forSomeoneElse: boolean): string;
  relation(code: string): string;
  /** Whom the volunteer calls first, on a request filed for someone else. */
  callFirst(code: string): string;
  /** "2025-03-07 14:05" in the headquarters' time zone: sortable, and spreadsheets read it as a date. */
  dateTime(at: Date): string;
}

/** Columns of every export: nothing that identifies the person helped. */
export const BASIC_COLUMNS = [
  'number',
  'createdAt',
  'channel',
  'district',
  'category',
  'age',
  'helpKind',
  'filedFor',
  'relation',
  'status',
  'volunteer',
  'firstClaimedAt',
  'closedAt',
  'minutesToClaim',
  'minutesToDone',
] as const;
/** Added only to a full export, which a coordinator asks for explicitly in a private chat. */
export const PERSONAL_COLUMNS = ['name', 'phone', 'address', 'description', 'applicantName', 'applicantPhone', 'callFirst', 'codeWord', 'lastComment'] as const;
export type ExportColumn = (typeof BASIC_COLUMNS)[number] | (typeof PERSONAL_COLUMNS)[number];

/** The rows of an export, header first. Comments are free text people typed, so they count as personal. */
export function exportRows(requests: readonly HelpRequest[], labels: ExportLabels, options: { full: boolean }): string[][] {
  const columns: ExportColumn[] = [...BASIC_COLUMNS, ...(options.full ? PERSONAL_COLUMNS : [])];
  const minutes = (from: Date, to: Date | undefined) => (to ? String(Math.round((to.getTime() - from.getTime()) / 60_000)) : '');
  const cell = (r: HelpRequest, column: ExportColumn): string => {
    switch (column) {
      case 'number':
        return String(r.number);
      case 'createdAt':
        return labels.dateTime(r.createdAt);
      case 'channel':
        return labels.channel(r.channel);
      case 'district':
        return r.district;
      case 'category':
        return labels.category(r.category);
      case 'age':
        return String(r.age ?? r.ageBand);
      case 'helpKind':
        return labels.helpKind(r.helpKind);
      case 'filedFor':
        return labels.filedFor(r.onBehalf !== undefined);
      case 'relation':
        return r.onBehalf ? labels.relation(r.onBehalf.relation) : '';
      case 'status':
        return labels.status(r.status);
      case 'volunteer':
        return r.volunteer?.displayName ?? '';
      case 'firstClaimedAt':
        return r.firstClaimedAt ? labels.dateTime(r.firstClaimedAt) : '';
      case 'closedAt':
        return r.closedAt ? labels.dateTime(r.closedAt) : '';
      case 'minutesToClaim':
        return minutes(r.createdAt, r.firstClaimedAt);
      case 'minutesToDone':
        return r.status === 'done' ? minutes(r.createdAt, r.closedAt) : '';
      case 'name':
        return r.personal.name;
      case 'phone':
        return spreadsheetPhone(r.personal.phone);
      case 'address':
        return r.personal.address;
      case 'description':
        return r.personal.description;
      case 'applicantName':
        return r.personal.applicant?.name ?? '';
      case 'applicantPhone':
        return r.personal.applicant ? spreadsheetPhone(r.personal.applicant.phone) : '';
      case 'callFirst':
        return r.onBehalf ? labels.callFirst(r.onBehalf.callFirst) : '';
      case 'codeWord':
        return r.codeWord ?? '';
      case 'lastComment':
        return lastComment(r.history) ?? '';
    }
  };
  return [columns.map((c) => labels.header(c)), ...requests.map((r) => columns.map((c) => cell(r, c)))];
}

/** A whole CSV file: byte-order mark, `;` between cells, CRLF between rows (RFC 4180). */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return `${UTF8_BOM}${rows.map((row) => row.map(csvCell).join(CSV_SEPARATOR)).join('\r\n')}\r\n`;
}

/**
 * One cell. A text a spreadsheet would take for a formula (starting with = + - @, or a tab or carriage
 * return that hides such a start) gets a leading apostrophe, so a requester's description can never
 * run as a formula on a coordinator's computer. A cell with the separator, a quote or a line break
 * is quoted, its quotes doubled.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * A phone as the export writes it. Stored phones are +7XXXXXXXXXX, and a leading `+` is a formula's
 * start to a spreadsheet: the guard of csvCell would show it as `'+79131234567`, and without the guard
 * Excel would compute `+79131234567` as a number and drop the plus. The domestic form
 * `8 913 123-45-67` starts with a digit, so it needs no guard, and its spaces and dashes keep every
 * spreadsheet from reading it as a number; it is how the number is written and dialled in Russia. A
 * phone in any other form (from before normalisation) is left to the guard.
 */
export function spreadsheetPhone(phone: string): string {
  const russian = /^\+7(\d{3})(\d{3})(\d{2})(\d{2})$/.exec(phone);
  return russian ? `8 ${russian[1]} ${russian[2]}-${russian[3]}-${russian[4]}` : phone;
}

/** The reason or comment of the request's latest change that had one. */
function lastComment(history: readonly HistoryEvent[]): string | undefined {
  for (let i = history.length - 1; i >= 0; i--) {
    const comment = history[i]!.comment;
    if (comment) return comment;
  }
  return undefined;
}
