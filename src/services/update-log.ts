/** Remembers which incoming updates were handled, so a redelivered one (webhook retry) is handled once. */
export interface UpdateLog {
  /** True only for the first call with this key, across all processes sharing the log. */
  firstSeen(key: string, at: Date): Promise<boolean>;
}
