/**
 * Checks the configuration in the environment, as the bot would read it at start-up, and exits:
 * 0 when it is usable, 1 with the message naming every variable at fault when not. docker-compose.yml
 * runs it once before the bot, so a bad configuration stops `docker compose up` with that message
 * instead of starting a bot that Docker would restart again and again.
 */
import { ConfigError, loadConfig } from './config.js';

try {
  loadConfig();
  console.log('Configuration is valid.');
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
