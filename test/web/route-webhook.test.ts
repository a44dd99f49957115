import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeWebhook, parseCommand } from '../../src/web/route-webhook.ts';
import { examplePayload } from './signed-webhook.ts';

test('routeWebhook: the event table', () => {
  const rerun = examplePayload('check_run', 'rerequested');
  const ownApp = rerun.check_run.app.id;
  rerun.check_run.pull_requests = [{ number: 3, head: { sha: 'h'.repeat(40), ref: 'x', repo: { id: 1 } }, base: { sha: 'b'.repeat(40), ref: 'main', repo: { id: 1 } } }];
  const forkPr = examplePayload('pull_request', 'opened');
  forkPr.pull_request.head.repo = { ...forkPr.pull_request.head.repo, full_name: 'someone/fork' };
  const deletedFork = examplePayload('pull_request', 'synchronize');
  deletedFork.pull_request.head.repo = null;
  const botComment = examplePayload('issue_comment', 'created');
  botComment.issue.pull_request = { url: 'x' };
  botComment.comment.body = '/driftguard diff';
  botComment.sender.type = 'Bot';
  const issueComment = examplePayload('issue_comment', 'created');
  delete issueComment.issue.pull_request;
  issueComment.comment.body = '/driftguard diff';

  const cases: Array<[string, Record<string, any>, string, ((r: any) => void)?]> = [
    ['pull_request', examplePayload('pull_request', 'opened'), 'plan', (r) => assert.equal(r.fork, false)],
    ['pull_request', examplePayload('pull_request', 'reopened'), 'plan'],
    ['pull_request', examplePayload('pull_request', 'synchronize'), 'plan'],
    ['pull_request', forkPr, 'plan', (r) => assert.equal(r.fork, true)],
    ['pull_request', deletedFork, 'plan', (r) => assert.equal(r.fork, true)],
    ['pull_request', examplePayload('pull_request', 'closed'), 'none'],
    ['pull_request', examplePayload('pull_request', 'labeled'), 'none'],
    ['push', examplePayload('push', undefined), 'push', (r) => assert.equal(r.ref, 'refs/heads/master')],
    ['push', examplePayload('push', undefined, { ref: 'refs/tags/v1' }), 'none'],
    ['push', examplePayload('push', undefined, { deleted: true, after: '0'.repeat(40) }), 'none'],
    ['check_run', rerun, 'plan', (r) => assert.equal(r.pr, 3)],
    ['check_run', { ...rerun, check_run: { ...rerun.check_run, app: { id: ownApp + 1 } } }, 'none'],
    ['check_run', examplePayload('check_run', 'requested_action'), 'none'],
    ['issue_comment', botComment, 'none'],
    ['issue_comment', issueComment, 'none'],
    ['issue_comment', { ...botComment, sender: { login: 'octocat', type: 'User' } }, 'command', (r) => assert.equal(r.command, 'diff')],
    ['star', { action: 'created', repository: { full_name: 'a/b' }, installation: { id: 1 } }, 'none'],
    ['pull_request', { ...examplePayload('pull_request', 'opened'), installation: undefined }, 'none'],
  ];
  for (const [event, payload, queue, check] of cases) {
    const r = routeWebhook(event, payload, ownApp);
    assert.equal(r.queue, queue, `${event}.${payload.action} → ${JSON.stringify(r).slice(0, 200)}`);
    check?.(r);
  }
});

test('parseCommand: first line only, exact prefix', () => {
  const cases: Array<[string, string | undefined]> = [
    ['/driftguard diff', 'diff'],
    ['  /driftguard   diff  \nplease', 'diff'],
    ['/driftguard plan', 'diff'],
    ['/driftguard', 'help'],
    ['/driftguard help', 'help'],
    ['/driftguard apply', 'unknown'],
    ['/driftguardx diff', undefined],
    ['please run /driftguard diff', undefined],
    ['LGTM\n/driftguard diff', undefined],
  ];
  for (const [body, command] of cases) assert.equal(parseCommand(body)?.command, command, JSON.stringify(body));
});
