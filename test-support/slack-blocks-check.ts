/**
 * What Slack itself refuses in a message's blocks or a modal, checked the way the fake Web API
 * server needs it: a list of problems (empty = Slack would accept it). Limits as in
 * bot/cards/slack.ts SLACK_LIMITS, written out here on purpose: the fake must not trust the code
 * it checks. Also flattens blocks to the text a person sees (for `held()`).
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- Block Kit JSON as it arrives over the wire */
type Json = any;

const LIMITS = {
  blocks: 50,
  modalBlocks: 100,
  header: 150,
  section: 3000,
  fields: 10,
  field: 2000,
  contextElements: 10,
  context: 2000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  actionId: 255,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
};

const textOf = (t: Json): string => (t && typeof t.text === 'string' ? t.text : '');

function checkText(where: string, t: Json, max: number, problems: string[]): void {
  if (!t || typeof t !== 'object' || (t.type !== 'plain_text' && t.type !== 'mrkdwn')) {
    problems.push(`${where}: must be a text object`);
    return;
  }
  if (textOf(t).length === 0) problems.push(`${where}: empty text`);
  if (textOf(t).length > max) problems.push(`${where}: ${textOf(t).length} characters, limit ${max}`);
}

/** Problems with a blocks array (empty list: valid). `max` is 50 for messages, 100 for modals. */
export function blockProblems(blocks: unknown, max = LIMITS.blocks): string[] {
  const problems: string[] = [];
  if (!Array.isArray(blocks)) return ['blocks: must be an array'];
  if (blocks.length > max) problems.push(`blocks: ${blocks.length} blocks, limit ${max}`);
  const actionIds = new Set<string>();
  const actionId = (where: string, id: unknown) => {
    if (typeof id !== 'string' || id.length === 0 || id.length > LIMITS.actionId) problems.push(`${where}: bad action_id`);
    else if (actionIds.has(id)) problems.push(`${where}: duplicate action_id ${id}`);
    else actionIds.add(id);
  };
  blocks.forEach((b: Json, i: number) => {
    const at = `blocks[${i}]`;
    switch (b?.type) {
      case 'header':
        checkText(`${at}.text`, b.text, LIMITS.header, problems);
        if (b.text?.type !== 'plain_text') problems.push(`${at}.text: header text must be plain_text`);
        break;
      case 'section':
        if (b.text === undefined && b.fields === undefined) problems.push(`${at}: a section needs text or fields`);
        if (b.text !== undefined) checkText(`${at}.text`, b.text, LIMITS.section, problems);
        if (b.fields !== undefined) {
          if (!Array.isArray(b.fields) || b.fields.length > LIMITS.fields) problems.push(`${at}.fields: at most ${LIMITS.fields}`);
          else b.fields.forEach((f: Json, j: number) => checkText(`${at}.fields[${j}]`, f, LIMITS.field, problems));
        }
        break;
      case 'context':
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > LIMITS.contextElements) problems.push(`${at}.elements: 1 to ${LIMITS.contextElements}`);
        else b.elements.forEach((e: Json, j: number) => checkText(`${at}.elements[${j}]`, e, LIMITS.context, problems));
        break;
      case 'actions':
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > LIMITS.actionsElements) problems.push(`${at}.elements: 1 to ${LIMITS.actionsElements}`);
        else
          b.elements.forEach((e: Json, j: number) => {
            if (e?.type !== 'button') return;
            checkText(`${at}.elements[${j}].text`, e.text, LIMITS.buttonText, problems);
            if (typeof e.value === 'string' && e.value.length > LIMITS.buttonValue) problems.push(`${at}.elements[${j}].value: too long`);
            actionId(`${at}.elements[${j}]`, e.action_id);
          });
        break;
      case 'input':
        checkText(`${at}.label`, b.label, 2000, problems);
        if (!b.element || typeof b.element.type !== 'string') problems.push(`${at}.element: required`);
        else actionId(`${at}.element`, b.element.action_id);
        break;
      case 'divider':
        break;
      default:
        problems.push(`${at}: unknown block type ${String(b?.type)}`);
    }
  });
  return problems;
}

/** Problems with a modal view (views.open). */
export function viewProblems(view: Json): string[] {
  if (!view || view.type !== 'modal') return ['view: must be a modal'];
  const problems = blockProblems(view.blocks, LIMITS.modalBlocks);
  checkText('view.title', view.title, LIMITS.modalTitle, problems);
  if (view.submit !== undefined) checkText('view.submit', view.submit, LIMITS.modalButton, problems);
  if (view.close !== undefined) checkText('view.close', view.close, LIMITS.modalButton, problems);
  if (typeof view.private_metadata === 'string' && view.private_metadata.length > LIMITS.privateMetadata) problems.push('view.private_metadata: too long');
  return problems;
}

/** Every text a person sees in the blocks, joined (headers, sections, fields, contexts, buttons). */
export function flattenBlocks(blocks: unknown): string {
  const out: string[] = [];
  const walk = (x: Json) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object') {
      if ((x.type === 'plain_text' || x.type === 'mrkdwn') && typeof x.text === 'string') out.push(x.text);
      else for (const k of ['text', 'fields', 'elements', 'label']) if (k in x) walk(x[k]);
    }
  };
  walk(blocks);
  return out.join('\n');
}
