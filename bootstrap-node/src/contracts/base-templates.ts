/**
 * The base templates the committee publishes at launch, written in the template language itself
 * (protocol/templates/*.json). Their bytes are submitted verbatim; the template id is their hash.
 */
import { readFileSync } from 'node:fs';
import { parseTemplate, templateId, type Template } from '@dipnet/protocol';

export const BASE_TEMPLATE_NAMES = ['bill-of-materials', 'supply', 'tender', 'logistics', 'inspection', 'guarantee'] as const;
export type BaseTemplateName = (typeof BASE_TEMPLATE_NAMES)[number];

export interface BaseTemplate {
  readonly name: BaseTemplateName;
  readonly code: Uint8Array;
  readonly id: Uint8Array;
  readonly template: Template;
}

// The protocol package ships the base templates' bytes (its exports name them).
const dir = new URL('./', import.meta.resolve('@dipnet/protocol/templates/bill-of-materials.json'));

export function loadBaseTemplate(name: BaseTemplateName): BaseTemplate {
  const code = new Uint8Array(readFileSync(new URL(`${name}.json`, dir)));
  return { name, code, id: templateId(code), template: parseTemplate(code) };
}

export const loadBaseTemplates = (): Record<BaseTemplateName, BaseTemplate> =>
  Object.fromEntries(BASE_TEMPLATE_NAMES.map((n) => [n, loadBaseTemplate(n)])) as Record<BaseTemplateName, BaseTemplate>;
