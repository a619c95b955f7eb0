/**
 * The Teams side of the bot's one entry point (ChatBot): a `warroom …` message or a mention
 * becomes `parse` then `run`, a card button (Universal Actions `Action.Execute`, or the
 * `Action.Submit` fallback of older clients) becomes `click`. The invoke answers with the clicked
 * card as it is now, in the HTTP response body, which is how Teams replaces it. A command that
 * takes longer than Teams waits for a turn (~15 s) is answered "working on it" and its answer is
 * posted when it lands. One bad turn is logged and answered briefly, never thrown out of here.
 */
import { TeamsActivityHandler, TurnContext, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue, type ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { MaskText } from '../cards/index.js';
import type { ChatBot, ChatReply, ClickResult } from '../chat/types.js';
import { chatUserOf, clickOf, commandOf, isCardSubmit, mentionsBot, whereOf } from './activity.js';
import { senderEmail, type EmailBook } from './members.js';
import { ADAPTIVE_CARD, cardActivity, cardAttachment, mentioning, messageCard, replyActivities, textActivity, withNotice } from './render.js';

export interface HandlerDeps {
  bot: ChatBot;
  mask: MaskText;
  logger: Logger;
  emails: EmailBook;
  /** How long a command may take before the turn ends with "working on it" (Teams gives a turn ~15 s). */
  replyBudgetMs: number;
  /** Runs `work` after the turn, in the conversation of `ref` (proactive), and keeps track of it. */
  later(ref: Partial<ConversationReference>, work: (context: TurnContext) => Promise<void>): void;
}

const WORKING = 'Working on it — I will post the answer here.';
const WORKING_CLICK = 'Working on it — this card updates when it is done.';
const BROKEN_CLICK = 'Sorry, that click could not be handled; it has been logged. Try again, or use the command.';

export class WarroomTeamsHandler extends TeamsActivityHandler {
  constructor(private readonly deps: HandlerDeps) {
    super();
    this.onMessage(async (context, next) => {
      await this.message(context);
      await next();
    });
    // When the bot is added to a team, the log names what war rooms need (set once, by an admin).
    this.onConversationUpdate(async (context, next) => {
      const a = context.activity;
      if ((a.membersAdded ?? []).some((m) => m.id === a.recipient.id)) {
        const cd = (a.channelData ?? {}) as { team?: { id?: string; name?: string }; channel?: { id?: string }; tenant?: { id?: string } };
        this.deps.logger.info(
          { serviceUrl: a.serviceUrl, conversation: a.conversation.id, team: cd.team?.id, teamName: cd.team?.name, channel: cd.channel?.id, tenant: cd.tenant?.id },
          'teams: the bot was added; for war rooms set TEAMS_SERVICE_URL to serviceUrl and TEAMS_INCIDENT_CHANNEL to the incidents channel id',
        );
      }
      await next();
    });
  }

  private async message(context: TurnContext): Promise<void> {
    const activity = context.activity;
    if (isCardSubmit(activity.value)) return this.submit(context);
    const mentioned = mentionsBot(activity);
    const text = mentioned && activity.text ? TurnContext.removeRecipientMention(activity) : (activity.text ?? '');
    const cmd = commandOf(text ?? '', { mentioned, personal: activity.conversation.conversationType === 'personal' });
    if (!cmd) return; // a channel message not meant for the bot
    const { bot } = this.deps;
    const parsed = bot.parse(cmd.text, { mention: cmd.mention });
    if (!parsed.ok) {
      await this.reply(context, { text: parsed.reply, cards: [], private: true });
      return;
    }
    const email = await senderEmail(context, this.deps.emails, this.deps.logger);
    const work = bot.run({ user: chatUserOf(activity, email), where: whereOf(activity), text: cmd.text, ...(cmd.mention ? { mention: true } : {}) });
    work.catch(() => undefined); // a late failure is answered in `later`; never an unhandled rejection
    const done = await within(work, this.deps.replyBudgetMs);
    if (done) {
      await this.reply(context, done.value);
      return;
    }
    await context.sendActivity(textActivity(WORKING, this.deps.mask));
    this.deps.later(TurnContext.getConversationReference(activity), async (later) => {
      let reply: ChatReply;
      try {
        reply = await work;
      } catch (err) {
        this.deps.logger.error({ err }, 'teams: a command failed after its turn');
        reply = { text: 'Sorry, something went wrong on my side; it has been logged. Try again in a moment.', cards: [] };
      }
      await this.reply(later, reply);
    });
  }

  /** A private reply (help, a usage problem, a refusal) @mentions the asker in a shared conversation. */
  private async reply(context: TurnContext, reply: ChatReply): Promise<void> {
    const [first, ...rest] = replyActivities(reply, this.deps.mask);
    const shared = context.activity.conversation.conversationType !== 'personal';
    await context.sendActivity(reply.private && shared ? mentioning(first, context.activity.from, this.deps.mask) : first);
    for (const a of rest) await context.sendActivity(a);
  }

  /** Universal Actions: `verb` names the action, `data` is the payload with the card's inputs merged in. */
  protected async onAdaptiveCardInvoke(context: TurnContext, invoke: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const { mask, logger } = this.deps;
    const click = clickOf(invoke.action.data);
    if (!click) return cardResponse(messageCard('That button carried nothing I can act on.', mask, 'attention'));
    if (click.value.action === undefined && invoke.action.verb) click.value.action = invoke.action.verb;
    const work = this.click(context, click);
    work.catch(() => undefined); // a late failure is handled in `later`; never an unhandled rejection
    try {
      const done = await within(work, this.deps.replyBudgetMs);
      if (done) {
        await this.postAll(context, done.value.posts);
        return cardResponse(resultCard(done.value, mask));
      }
    } catch (err) {
      logger.error({ err }, 'teams: a card action failed');
      return cardResponse(messageCard(BROKEN_CLICK, mask, 'attention'));
    }
    // Slower than Teams waits for an invoke: the card says so now and is replaced when the click lands.
    const cardMessage = context.activity.replyToId;
    this.deps.later(TurnContext.getConversationReference(context.activity), async (later) => {
      let card;
      let posts: ClickResult['posts'] = [];
      try {
        const result = await work;
        card = resultCard(result, mask);
        posts = result.posts;
      } catch (err) {
        logger.error({ err }, 'teams: a card action failed');
        card = messageCard(BROKEN_CLICK, mask, 'attention');
      }
      if (cardMessage) await later.updateActivity({ type: 'message', id: cardMessage, attachments: [{ contentType: ADAPTIVE_CARD, content: card }] });
      await this.postAll(later, posts);
    });
    return cardResponse(messageCard(WORKING_CLICK, mask));
  }

  /** Action.Submit (clients without Universal Actions): a message whose `value` is the button's data. */
  private async submit(context: TurnContext): Promise<void> {
    const { mask, logger } = this.deps;
    const click = clickOf(context.activity.value);
    if (!click) return;
    const result = await this.click(context, click);
    const cardMessage = context.activity.replyToId;
    if (result.card && cardMessage) {
      try {
        await context.updateActivity({ type: 'message', id: cardMessage, attachments: [cardAttachment(result.card, mask)] });
      } catch (err) {
        logger.warn({ err }, 'teams: could not update the clicked card');
      }
    }
    if (!result.ok || !result.card) await context.sendActivity(textActivity(result.text, mask));
    await this.postAll(context, result.posts);
  }

  private async click(context: TurnContext, click: NonNullable<ReturnType<typeof clickOf>>): Promise<ClickResult> {
    const activity = context.activity;
    const email = await senderEmail(context, this.deps.emails, this.deps.logger);
    return this.deps.bot.click({
      user: chatUserOf(activity, email),
      value: click.value,
      ...(Object.keys(click.inputs).length ? { inputs: click.inputs } : {}),
      where: whereOf(activity),
    });
  }

  /** Further cards a click produced (the outcome of an approval), posted in the conversation; a failure is logged, the click still answers. */
  private async postAll(context: TurnContext, posts: ClickResult['posts']): Promise<void> {
    for (const card of posts) {
      try {
        await context.sendActivity(cardActivity(card, this.deps.mask));
      } catch (err) {
        this.deps.logger.warn({ err, card: card.id }, 'teams: could not post a card after a click');
      }
    }
  }
}

/** The card that replaces the clicked one: the card as it is now (with the refusal on top), else a message card. */
function resultCard(result: ClickResult, mask: MaskText) {
  if (result.card) {
    const card = cardAttachment(result.card, mask).content;
    return result.ok ? card : withNotice(card, result.text, mask);
  }
  return messageCard(result.text, mask, result.ok ? 'good' : 'attention');
}

const cardResponse = (value: unknown): AdaptiveCardInvokeResponse => ({ statusCode: 200, type: ADAPTIVE_CARD, value: value as Record<string, unknown> });

/** The promise's value if it settles within `ms`, else undefined (it keeps running). Rejections pass through. */
async function within<T>(work: Promise<T>, ms: number): Promise<{ value: T } | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([work.then((value) => ({ value })), late]);
  } finally {
    clearTimeout(timer);
  }
}
