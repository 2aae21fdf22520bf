import { accountNode } from '../sms-account/account';
import type { Node, NodeAPI, NodeDef, NodeMessage, NodeStatus } from '../../runtime/red';
import { replyContent } from './reply-content';
import { asReplyError } from '../../providers/types';
import { answerer, isInbound, type ReplySummary } from '../common/answer';

/**
 * The `sms status` node that gets the receipts (SPEC §2). 0.1.x saved it as `status`, the
 * name of the editor's status dot, which replaced it with an object on the next deploy: a
 * string there is still the node id.
 */
function receiptsNodeId(def: NodeDef): string | undefined {
  if (typeof def.receipts === 'string' && def.receipts) return def.receipts;
  return typeof def.status === 'string' && def.status ? def.status : undefined;
}

/** The `sms reply` node's constructor, made once per runtime when the first one starts (see sms-reply.ts). */
export function smsReplyNode(RED: NodeAPI): (this: Node, def: NodeDef) => void {
  function SmsReply(this: Node, def: NodeDef): void {
    RED.nodes.createNode(this, def);
    const node = this;
    const { textOf, mediaOf } = replyContent(RED, node, def);
    const statusId = receiptsNodeId(def);

    // The status only changes when the outcome does: an auto-responder replying a thousand
    // times a second would otherwise publish a thousand identical statuses to the editor.
    let shown = '';
    function showStatus(status: NodeStatus & { text: string }): void {
      const key = `${status.fill}/${status.shape}/${status.text}`;
      if (key === shown) return;
      shown = key;
      node.status(status);
    }

    const replies = answerer(RED, node, { account: def.account, receipts: statusId, show: showStatus });
    // A problem of the node's own account found when it started (a private key that cannot
    // sign, say) is shown at once, not at the first message.
    const own = accountNode(RED, def.account);
    if (own?.problems?.length) showStatus({ fill: 'yellow', shape: 'ring', text: `account: ${own.problems[0].reason}` });

    async function reply(msg: NodeMessage): Promise<ReplySummary | undefined> {
      const sms = msg.sms;
      if (!isInbound(sms)) return replies.answer(msg, { text: '', media: [] });
      return replies.answer(msg, { text: await textOf(msg), media: await mediaOf(msg) });
    }

    node.on('close', (removed: boolean, done: () => void) => {
      replies.close(removed).finally(done);
    });

    node.on('input', async (msg, send, done) => {
      try {
        const summary = await reply(msg);
        if (summary && isInbound(msg.sms)) msg.sms.reply = summary;
        send(msg);
        done();
      } catch (err) {
        const failure = asReplyError(err);
        showStatus({ fill: 'red', shape: 'ring', text: failure.reason });
        done(failure);
      }
    });
  }
  return SmsReply;
}
