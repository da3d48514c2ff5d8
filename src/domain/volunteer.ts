import type { PersonRef } from './request.js';

/**
 * Where a volunteer stands with the headquarters. `pending`: applied, not decided yet; `approved`:
 * may take requests; `rejected`: not approved (may apply again); `suspended`: approved once, not now.
 */
export const VOLUNTEER_STATUSES = ['pending', 'approved', 'rejected', 'suspended'] as const;
export type VolunteerStatus = (typeof VOLUNTEER_STATUSES)[number];

/** What a coordinator does to an application or an approved volunteer. */
export const VETTING_DECISIONS = ['approve', 'reject', 'suspend', 'reinstate'] as const;
export type VettingDecision = (typeof VETTING_DECISIONS)[number];

/**
 * Which statuses a decision applies to and what it leads to. A rejected applicant may be approved
 * later (after a call cleared a doubt); a suspended volunteer comes back only by «reinstate», so a
 * suspension is never lifted by pressing an old «Одобрить».
 */
export const DECISIONS: Record<VettingDecision, { from: readonly VolunteerStatus[]; to: VolunteerStatus }> = {
  approve: { from: ['pending', 'rejected'], to: 'approved' },
  reject: { from: ['pending'], to: 'rejected' },
  suspend: { from: ['approved'], to: 'suspended' },
  reinstate: { from: ['suspended'], to: 'approved' },
};

/** What the applicant typed about themselves: personal data, shown only to coordinators in private. */
export interface ApplicantDetails {
  name: string;
  phone: string;
}

/** One change of a volunteer's status, kept for the record. */
export interface VettingEvent {
  status: VolunteerStatus;
  at: Date;
  /** The coordinator who decided; absent for an application or a move of existing volunteers. */
  by?: PersonRef;
  /** Why, as the coordinator wrote it (a rejection, a suspension). */
  reason?: string;
}

/** A person who applied to volunteer (or was approved as one), by platform account. */
export interface VolunteerRecord {
  /** Numbers applications for the HQ chat and the console («Анкета №5»). */
  number: number;
  person: PersonRef;
  status: VolunteerStatus;
  /** Absent after /forget or when the record was made for an existing volunteer without an application. */
  details?: ApplicantDetails;
  /** The districts they can serve. */
  districts: string[];
  /** What they can do, as the choice values of the application's scenario. */
  skills: string[];
  appliedAt: Date;
  /** When they agreed to the volunteer rules. */
  rulesAcceptedAt?: Date;
  history: VettingEvent[];
}

/** The reasons a volunteer may pick for giving a request back, in the order the buttons show them. */
export const RELEASE_REASONS = ['noAnswer', 'noTime', 'unwell', 'other'] as const;
