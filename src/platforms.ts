import { telegramPlatform } from '../bots/telegram/index.js';
import { vkPlatform } from '../bots/vk/index.js';
import { maxPlatform } from '../bots/max/index.js';
import type { PlatformModule } from './platform-module.js';

/**
 * The messengers the system speaks, in the order they start. Adding one is adding its module here
 * (and its name to PLATFORMS in the domain).
 */
export const PLATFORM_MODULES = [telegramPlatform, vkPlatform, maxPlatform] as const;

/**
 * The same modules as the composition root holds them. Each reads only its own variables, which the
 * whole configuration (src/config.ts, made of every module's shape) always has.
 */
export const platformModules = PLATFORM_MODULES as unknown as readonly PlatformModule[];
