import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemHarness, VK_GROUP_ID } from '../support/harness.js';

const SECRET = 'callback-secret-42';
const CONFIRMATION = 'a1b2c3d4';
let h: SystemHarness;
beforeAll(async () => {
  h = await SystemHarness.start({ VK_MODE: 'callback', VK_CALLBACK_SECRET: SECRET, VK_CALLBACK_CONFIRMATION: CONFIRMATION }, { vk: true });
});
afterAll(async () => {
  await h?.stop();
});

async function post(body: unknown): Promise<{ status: number; text: string }> {
  const response = await fetch(`${h.system!.httpUrl}/vk/callback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

describe('the VK Callback API route', () => {
  it('does not poll in callback mode', () => {
    expect(h.vk.callsOf('groups.getLongPollServer')).toEqual([]);
  });

  it('answers the confirmation request with the confirmation string', async () => {
    expect(await post({ type: 'confirmation', group_id: VK_GROUP_ID, secret: SECRET })).toEqual({ status: 200, text: CONFIRMATION });
  });

  it('answers 401 without the right secret and handles nothing', async () => {
    const event = h.vk.makeMessageNew({ fromId: 5001, text: 'Привет' });
    expect((await post(h.vk.webhookBody(event))).status).toBe(401);
    expect((await post(h.vk.webhookBody(event, 'wrong'))).status).toBe(401);
    expect((await post({ type: 'confirmation', group_id: VK_GROUP_ID })).status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.vk.messagesTo(5001)).toEqual([]);
  });

  it('refuses an event for another community', async () => {
    const event = { ...h.vk.makeMessageNew({ fromId: 5002, text: 'Привет' }), group_id: 1 };
    expect((await post(h.vk.webhookBody(event, SECRET))).status).toBe(403);
  });

  it('handles an event with the secret and answers ok', async () => {
    const event = h.vk.makeMessageNew({ fromId: 5003, text: 'Привет' });
    expect(await post(h.vk.webhookBody(event, SECRET))).toEqual({ status: 200, text: 'ok' });
    const [greeting] = h.vk.messagesTo(5003);
    expect(greeting?.text).toMatch(/Здравствуйте/);
  });
});
