import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeWebhook, parseCommand } from '../../src/web/route-webhook.ts';
import { payloadFor } from '../support/webhooks.ts';

test('routeWebhook: the event table', () => {
  const rerun = payloadFor('check_run', 'rerequested');
  const ownApp = rerun.check_run.app.id;
  rerun.check_run.pull_requests = [{ number: 3, head: { sha: 'h'.repeat(40), ref: 'x', repo: { id: 1 } }, base: { sha: 'b'.repeat(40), ref: 'main', repo: { id: 1 } } }];
  const forkPr = payloadFor('pull_request', 'opened');
  forkPr.pull_request.head.repo = { ...forkPr.pull_request.head.repo, full_name: 'someone/fork' };
  const deletedFork = payloadFor('pull_request', 'synchronize');
  deletedFork.pull_request.head.repo = null;
  const botComment = payloadFor('issue_comment', 'created');
  botComment.issue.pull_request = { url: 'x' };
  botComment.comment.body = '/driftguard diff';
  botComment.sender.type = 'Bot';
  const issueComment = payloadFor('issue_comment', 'created');
  delete issueComment.issue.pull_request;
  issueComment.comment.body = '/driftguard diff';

  const cases: Array<[string, Record<string, any>, string, ((r: any) => void)?]> = [
    ['pull_request', payloadFor('pull_request', 'opened'), 'plan', (r) => assert.equal(r.fork, false)],
    ['pull_request', payloadFor('pull_request', 'reopened'), 'plan'],
    ['pull_request', payloadFor('pull_request', 'synchronize'), 'plan'],
    ['pull_request', forkPr, 'plan', (r) => assert.equal(r.fork, true)],
    ['pull_request', deletedFork, 'plan', (r) => assert.equal(r.fork, true)],
    ['pull_request', payloadFor('pull_request', 'closed'), 'close', (r) => assert.deepEqual([r.pr, r.merged], [payloadFor('pull_request', 'closed').number, false])],
    ['pull_request', payloadFor('pull_request', 'closed', { pull_request: { merged: true } }), 'close', (r) => assert.equal(r.merged, true)],
    ['pull_request', payloadFor('pull_request', 'labeled'), 'none'],
    ['push', payloadFor('push', undefined, { ref: 'refs/heads/master', deleted: false, after: 'e'.repeat(40) }), 'push', (r) => assert.deepEqual([r.ref, r.before, r.forced], ['refs/heads/master', '6113728f27ae82c7b1a177c8d03f9e96e0adf246', false])],
    ['push', payloadFor('push', undefined, { ref: 'refs/heads/master', deleted: false, after: 'e'.repeat(40), forced: true }), 'push', (r) => assert.equal(r.forced, true)],
    ['push', payloadFor('push', undefined), 'none'], // the example with an installation deletes a tag
    ['push', payloadFor('push', undefined, { ref: 'refs/heads/gone', deleted: true, after: '0'.repeat(40) }), 'none'],
    ['check_run', rerun, 'plan', (r) => assert.equal(r.pr, 3)],
    ['check_run', { ...rerun, check_run: { ...rerun.check_run, app: { id: ownApp + 1 } } }, 'none'],
    ['check_run', payloadFor('check_run', 'requested_action'), 'none'],
    ['issue_comment', botComment, 'none'],
    // A bot's approval is answered (so its owner learns a person must approve), never obeyed.
    ['issue_comment', { ...botComment, comment: { ...botComment.comment, body: '/driftguard approve' } }, 'command', (r) => assert.deepEqual([r.command, r.bot], ['approve', true])],
    ['issue_comment', { ...botComment, comment: { ...botComment.comment, body: '/driftguard approve' }, sender: { login: 'octocat', type: 'User' } }, 'command', (r) => assert.deepEqual([r.command, r.bot], ['approve', undefined])],
    // A plain issue (the drift issue) takes commands too; the worker says which run only on pull requests.
    ['issue_comment', issueComment, 'command', (r) => assert.deepEqual([r.command, r.onIssue, r.pr], ['diff', true, issueComment.issue.number])],
    ['issue_comment', { ...botComment, sender: { login: 'octocat', type: 'User' } }, 'command', (r) => assert.equal(r.command, 'diff')],
    ['star', { action: 'created', repository: { full_name: 'a/b' }, installation: { id: 1 } }, 'none'],
    ['pull_request', { ...payloadFor('pull_request', 'opened'), installation: undefined }, 'none'],
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
    ['/driftguard approve', 'approve'],
    ['/driftguard approve abc1234', 'unknown'], // too short to pin a commit
    ['/driftguard approve 0123456789ABcdef', 'approve'],
    ['/driftguard approve 0123456789abcdef extra', 'unknown'],
    ['/driftguard approve not-a-sha-at-all', 'unknown'],
    ['/driftguard preview', 'preview'],
    ['/driftguard preview delete', 'preview-delete'],
    ['/driftguard preview 0123456789ABcdef', 'preview'],
    ['/driftguard preview abc1234', 'unknown'], // too short to pin a commit
    ['/driftguard preview delete now', 'unknown'],
    ['/driftguard preview remove', 'unknown'],
    ['/driftguardx diff', undefined],
    ['please run /driftguard diff', undefined],
    ['LGTM\n/driftguard diff', undefined],
  ];
  for (const [body, command] of cases) assert.equal(parseCommand(body)?.command, command, JSON.stringify(body));
  assert.equal(parseCommand('/driftguard approve 0123456789ABcdef')?.sha, '0123456789abcdef', 'the pinned SHA, lower case');
  assert.equal(parseCommand('/driftguard approve')?.sha, undefined);
  assert.equal(parseCommand('/driftguard preview 0123456789ABcdef')?.sha, '0123456789abcdef', 'a fork preview approval pinned to the reviewed SHA');
  assert.equal(parseCommand('/driftguard preview delete')?.sha, undefined);
});

test('parseCommand: sync takes exactly an app name and optionally --allow-mass-prune; anything else is unknown', () => {
  const cases: Array<[string, { command: string; app?: string; allowMassPrune?: boolean }]> = [
    ['/driftguard sync web', { command: 'sync', app: 'web' }],
    ['/driftguard sync web --allow-mass-prune', { command: 'sync', app: 'web', allowMassPrune: true }],
    ['/driftguard sync my_app.v2 --allow-mass-prune\nbecause the old stack is retired', { command: 'sync', app: 'my_app.v2', allowMassPrune: true }],
    ['/driftguard sync', { command: 'unknown' }],
    ['/driftguard sync web --prune', { command: 'unknown' }],
    ['/driftguard sync web --allow-mass-prune --allow-mass-prune', { command: 'unknown' }],
    ['/driftguard sync web api', { command: 'unknown' }],
    ['/driftguard sync `web`', { command: 'unknown' }],
    ['/driftguard sync -web', { command: 'unknown' }],
  ];
  for (const [body, want] of cases) {
    const { text: _t, ...got } = parseCommand(body)!;
    assert.deepEqual(got, want, JSON.stringify(body));
  }
  const p = payloadFor('issue_comment', 'created');
  p.issue.pull_request = { url: 'x' };
  p.comment.body = '/driftguard sync web --allow-mass-prune';
  const route = routeWebhook('issue_comment', { ...p, sender: { login: 'octocat', type: 'User' } });
  assert.equal(route.queue, 'command');
  assert.deepEqual(route.queue === 'command' && [route.command, route.app, route.allowMassPrune], ['sync', 'web', true]);
});

test('parseCommand: rollback takes an app and previous or a 7-40 digit SHA; resume takes an app', () => {
  const cases: Array<[string, { command: string; app?: string; target?: string }]> = [
    ['/driftguard rollback web previous', { command: 'rollback', app: 'web', target: 'previous' }],
    ['/driftguard rollback web ABCDEF1', { command: 'rollback', app: 'web', target: 'abcdef1' }],
    ['/driftguard rollback web 0123456789abcdef0123456789abcdef01234567', { command: 'rollback', app: 'web', target: '0123456789abcdef0123456789abcdef01234567' }],
    ['/driftguard rollback web abc12', { command: 'unknown' }],
    ['/driftguard rollback web', { command: 'unknown' }],
    ['/driftguard rollback web previous now', { command: 'unknown' }],
    ['/driftguard rollback web HEAD~1', { command: 'unknown' }],
    ['/driftguard rollback `web` previous', { command: 'unknown' }],
    ['/driftguard resume web', { command: 'resume', app: 'web' }],
    ['/driftguard resume', { command: 'unknown' }],
    ['/driftguard resume web api', { command: 'unknown' }],
  ];
  for (const [body, want] of cases) {
    const { text: _t, ...got } = parseCommand(body)!;
    assert.deepEqual(got, want, JSON.stringify(body));
  }
});
