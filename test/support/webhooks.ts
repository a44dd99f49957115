// Real @octokit/webhooks-examples payloads adapted to the GitHub emulator, signed and sent over HTTP.
export * from '../../emulators/github/webhooks.ts';
