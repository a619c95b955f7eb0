/**
 * Teams as a ChatSurface: a war room is a new conversation (a reply chain) in the configured
 * incidents channel, opened with a root card; cards and notices are replies in that chain, and a
 * card is updated in place (PUT the activity). Every call is proactive (no inbound turn), through
 * the adapter's continueConversationAsync / createConversationAsync to the configured service URL.
 * Rooms are addressed like inbound activities are read (activity.ts): channel id + root id.
 */
import type { TurnContext, Activity, CloudAdapter, ConversationParameters, ConversationReference } from 'botbuilder';
import type { Logger } from 'pino';
import type { AdaptiveCard, Card, MaskText } from '../cards/index.js';
import type { ChatSurface, MessageRef, RoomRef } from '../chat/ports.js';
import { conversationIdOf, splitConversationId } from './activity.js';
import { CHANNEL_AUDIENCE } from './adapter.js';
import { memberEmail, type EmailBook } from './members.js';
import { ADAPTIVE_CARD, cardActivity, cardAttachment, textActivity } from './render.js';

export interface TeamsSurfaceOptions {
  adapter: CloudAdapter;
  /** The bot's app id; '' in developer mode. */
  appId: string;
  tenantId?: string;
  /** Bot Framework service URL of the tenant (e.g. https://smba.trafficmanager.net/emea/). */
  serviceUrl?: string;
  /** The incidents channel's conversation id (19:…@thread.tacv2). */
  incidentChannel?: string;
  mask: MaskText;
  logger: Logger;
  emails: EmailBook;
}

export class TeamsSurface implements ChatSurface {
  readonly name = 'teams' as const;
  constructor(private readonly o: TeamsSurfaceOptions) {}

  private target(): { serviceUrl: string; channel: string } {
    if (!this.o.serviceUrl || !this.o.incidentChannel) {
      throw new Error('Teams war rooms need TEAMS_SERVICE_URL and TEAMS_INCIDENT_CHANNEL (the incidents channel conversation id)');
    }
    return { serviceUrl: this.o.serviceUrl, channel: this.o.incidentChannel };
  }

  async openRoom(input: Parameters<ChatSurface['openRoom']>[0]): Promise<RoomRef> {
    const { serviceUrl, channel } = this.target();
    const { appId, tenantId, mask } = this.o;
    const params: ConversationParameters = {
      isGroup: true,
      bot: { id: appId || 'warroom', name: 'Warroom' },
      members: [],
      topicName: mask(input.name),
      ...(tenantId ? { tenantId } : {}),
      channelData: { channel: { id: channel }, ...(tenantId ? { tenant: { id: tenantId } } : {}) },
      activity: { type: 'message', summary: mask(input.topic), attachments: [{ contentType: ADAPTIVE_CARD, content: rootCard(input, mask) }] } as Activity,
    };
    let created: string | undefined;
    await this.o.adapter.createConversationAsync(appId, 'msteams', serviceUrl, CHANNEL_AUDIENCE, params, async (context) => {
      created = context.activity.conversation.id;
    });
    if (!created) throw new Error('Teams did not return the new conversation id');
    const room = splitConversationId(created);
    // A reply chain's id names its root ("…;messageid=<root>"); an id without one is a conversation of its own.
    return { surface: 'teams', channel: room.channel, ...(room.thread ? { thread: room.thread } : {}) };
  }

  async post(room: RoomRef, card: Card): Promise<MessageRef> {
    return this.send(room, cardActivity(card, this.o.mask));
  }

  async say(room: RoomRef, text: string): Promise<MessageRef> {
    return this.send(room, textActivity(text, this.o.mask));
  }

  async update(message: MessageRef, card: Card): Promise<void> {
    await this.inConversation(message, async (context) => {
      await context.updateActivity({ type: 'message', id: message.id, attachments: [cardAttachment(card, this.o.mask)] });
    });
  }

  /** The roster email of a user (AAD object id or channel account id), through the incidents channel's team. */
  async emailOf(userId: string): Promise<string | undefined> {
    const known = this.o.emails.get(userId);
    if (known !== undefined) return known ?? undefined;
    if (!this.o.serviceUrl || !this.o.incidentChannel) return undefined;
    let email: string | undefined;
    try {
      await this.inConversation({ channel: this.o.incidentChannel }, async (context) => {
        email = await memberEmail(context, userId, this.o.emails, this.o.logger);
      });
    } catch (err) {
      this.o.logger.debug({ err }, 'teams: roster lookup failed');
    }
    return email;
  }

  private async send(room: RoomRef, activity: Partial<Activity>): Promise<MessageRef> {
    let id: string | undefined;
    await this.inConversation(room, async (context) => {
      id = (await context.sendActivity(activity))?.id;
    });
    if (!id) throw new Error('Teams did not return the id of the posted message');
    return { surface: 'teams', channel: room.channel, ...(room.thread ? { thread: room.thread } : {}), id };
  }

  private async inConversation(room: Pick<RoomRef, 'channel' | 'thread'>, work: (context: TurnContext) => Promise<void>): Promise<void> {
    const { serviceUrl } = this.target();
    const reference: Partial<ConversationReference> = {
      channelId: 'msteams',
      serviceUrl,
      bot: { id: this.o.appId || 'warroom', name: 'Warroom' },
      conversation: { id: conversationIdOf(room), isGroup: true, conversationType: 'channel', name: '', ...(this.o.tenantId ? { tenantId: this.o.tenantId } : {}) },
    };
    await this.o.adapter.continueConversationAsync(this.o.appId, reference, CHANNEL_AUDIENCE, work);
  }
}

/** The root of a war room's reply chain: its name and what it is about (the summary card follows as a reply). */
function rootCard(input: Parameters<ChatSurface['openRoom']>[0], mask: MaskText): AdaptiveCard {
  const md = (s: string) => mask(s).replace(/\[/g, '(').replace(/\]/g, ')').slice(0, 1000);
  const { incident } = input;
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    fallbackText: md(`War room ${input.name}: ${input.topic}`),
    body: [
      { type: 'TextBlock', text: md(`War room ${input.name}`), size: 'Large', weight: 'Bolder', wrap: true, style: 'heading' },
      { type: 'TextBlock', text: md(input.topic), wrap: true },
      {
        type: 'FactSet',
        facts: [
          { title: 'Incident', value: md(incident.id) },
          { title: 'Service', value: md(incident.service) },
          { title: 'Severity', value: md(incident.severity) },
        ],
      },
    ],
    msteams: { width: 'Full' },
  };
}
