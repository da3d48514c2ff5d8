import { renderText, type Catalog } from '../../scenario/text.js';
import type { Choice, Prompt } from '../../scenario/engine.js';

/**
 * The text of a questionnaire's prompt, as every platform shows it (plain text, so whatever a person
 * typed is shown back exactly). It names only what the platform can show: the "share my number"
 * button only where there is one, and the choices listed in full where buttons cut long labels.
 */
export function promptText(prompt: Prompt, catalog: Catalog, options: { withHint: boolean; canShareContact: boolean; labelsCutAt?: number }): string {
  const lines: string[] = [];
  if (prompt.error) lines.push(renderText(catalog, prompt.error), '');
  lines.push(renderText(catalog, prompt.question));
  if (prompt.expects === 'phone' && options.canShareContact) lines.push(catalog.t('bot.intake.sharePhoneHint'));
  if (prompt.summary) lines.push('', ...prompt.summary.map((line) => `${renderText(catalog, line.label)}: ${renderText(catalog, line.value)}`));
  const labels = prompt.choices.map((choice) => choiceLabel(catalog, choice));
  const cutAt = options.labelsCutAt;
  if (cutAt !== undefined && labels.some((label) => label.length > cutAt)) lines.push('', ...labels.map((label, i) => `${i + 1}. ${label}`));
  if (prompt.multiple) lines.push('', catalog.t('engine.multi.hint'));
  if (prompt.current) lines.push('', catalog.t('bot.intake.currentAnswer', { value: renderText(catalog, prompt.current) }));
  // The first question has no «Назад» button yet: its hint says where the button will be.
  if (options.withHint) lines.push('', catalog.t(prompt.canGoBack ? 'bot.intake.hint' : 'bot.intake.hintFirst'));
  return lines.join('\n');
}

/** A choice's label on its button: a marked choice of a multichoice question carries a tick. */
export function choiceLabel(catalog: Catalog, choice: Choice): string {
  const label = renderText(catalog, choice.label);
  return choice.picked ? `✅ ${label}` : label;
}
