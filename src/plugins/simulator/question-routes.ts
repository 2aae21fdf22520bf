import type { RequestHandler, Response } from 'express';
import type { NodeAPI } from '../../runtime/red';
import { listQuestions } from '../../runtime/open-questions';

// The open questions of sms ask in the SMS sidebar (SPEC §9): who is asked what, by which
// node, until when. Answering as the person is an ordinary simulated message (routes.ts /send)
// from the person to our number. Admin routes, behind Node-RED's permissions.

/** Rows the sidebar gets at once. */
const SHOWN = 200;

export interface QuestionView {
  id: string;
  node: string;
  nodeName: string;
  /** Our number (answers go to it) and the person asked. */
  ours: string;
  person: string;
  text: string;
  at: string;
  dueAt: string;
}

function fail(res: Response, status: number, error: string): void {
  res.status(status).json({ error });
}

export function questionHandlers(RED: NodeAPI): Record<'questions', RequestHandler[]> {
  const questions: RequestHandler = (_req, res) => {
    listQuestions(RED).then(
      (open) => {
        const questions: QuestionView[] = open.slice(0, SHOWN).map((q) => {
          const node = RED.nodes.getNode(q.node);
          return { id: q.id, node: q.node, nodeName: node?.name || 'sms ask', ours: q.ours, person: q.person, text: q.asked.text, at: q.asked.at, dueAt: new Date(q.dueAt).toISOString() };
        });
        res.json({ questions, total: open.length });
      },
      (err: Error) => fail(res, 503, `the open questions cannot be read from the sms store: ${err.message}`),
    );
  };
  return { questions: [questions] };
}
