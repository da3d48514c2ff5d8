import { RecipientUnreachableError } from '../domain/errors.js';
import type { HelpRequest, PersonRef } from '../domain/request.js';
import type { AccessKind, AccessLog, Messengers, Outbox, OutboxMessage, RequestRepository, SendOptions } from './ports.js';

export interface TaskDetailsDeps {
  requests: RequestRepository;
  accessLog: AccessLog;
  outbox: Outbox;
  messengers: Messengers;
  now: () => Date;
}

/** Whether a person holds a request now: only then may its details be in their chat. */
export function holds(request: HelpRequest, person: PersonRef): boolean {
  return request.status === 'claimed' && request.volunteer?.platform === person.platform && request.volunteer.userId === person.userId;
}

/** The outbox message that takes a request's details out of a person's private chat (outbox/delivery-rules.ts). */
export function withdrawalFor(number: number, viewer: PersonRef): OutboxMessage {
  // Volunteers are written to privately, where their chat id is their user id on every platform.
  return { kind: 'withdraw', platform: viewer.platform, chatId: viewer.userId, requestNumber: number, viewerId: viewer.userId };
}

/**
 * A request's personal data in the private chat of the volunteer who holds it: the task card and the
 * requester's contact. Every message sent is recorded in the access log with its id, so the change
 * that takes the request from them (done, given back, reassigned, cancelled) can withdraw it.
 */
export function createTaskDetails(deps: TaskDetailsDeps) {
  return {
    /** Sends the holder their card or the contact; throws RecipientUnreachableError when they cannot be written to. */
    async show(
      request: HelpRequest,
      holder: PersonRef,
      kind: Extract<AccessKind, 'task_card' | 'contact'>,
      options?: SendOptions & { note?: string },
    ): Promise<void> {
      const messenger = deps.messengers[holder.platform];
      if (!messenger) throw new RecipientUnreachableError(holder.platform, 'platform not running');
      const chatId = holder.userId;
      const sent = kind === 'task_card' ? await messenger.sendTaskCard(chatId, request, options) : await messenger.sendContact(chatId, request, options);
      const at = deps.now();
      const record = await deps.accessLog.record({
        requestNumber: request.number,
        viewer: { platform: holder.platform, userId: holder.userId },
        channel: holder.platform,
        kind,
        at,
        message: { chatId, messageId: sent.messageId, form: sent.form, sentAt: at },
      });
      // Taken from them while this was on its way: that change's withdrawal may have run before this
      // record existed, so this message gets one of its own.
      const now = await deps.requests.findByNumber(request.number);
      if (now && !holds(now, holder))
        await deps.outbox.enqueue([{ key: `withdraw:${request.number}:late:${record.id}`, message: withdrawalFor(request.number, holder) }], at);
    },
  };
}

export type TaskDetails = ReturnType<typeof createTaskDetails>;
