import { describe, expect, it } from 'vitest';
import { chatAddress, isInChat, splitChatAddress } from '../../src/domain/chat-address.js';

describe('a chat address', () => {
  it('is the chat id alone, or the chat and a topic', () => {
    expect(chatAddress(-1006000)).toBe('-1006000');
    expect(chatAddress(-1006000, 11)).toBe('-1006000/11');
    expect(splitChatAddress('-1006000/11')).toEqual({ chatId: '-1006000', topicId: 11 });
    expect(splitChatAddress('2000000001')).toEqual({ chatId: '2000000001' });
  });

  it('tells a topic of a chat from another chat', () => {
    expect(isInChat('-1006000/11', '-1006000')).toBe(true);
    expect(isInChat('-1006000', '-1006000/22')).toBe(true);
    expect(isInChat('-1006000/11', '-1006001')).toBe(false);
    expect(isInChat('-10060', '-1006000')).toBe(false);
  });
});
