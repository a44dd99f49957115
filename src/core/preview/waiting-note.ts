// The comment section's line while a preview waits for a slot under the repository's limit
// (`preview.maxPerRepo`). Pure.

export function waitingForSlotNote(position: number, limit: number): string {
  const place = position === 1 ? 'it is next in line' : `${position - 1} ${position === 2 ? 'preview is' : 'previews are'} ahead of it`;
  return `**Waiting for a slot**: this repository has reached its limit of ${limit} preview${limit === 1 ? '' : 's'}; ${place}. It is created as soon as a slot frees (oldest request first).`;
}
