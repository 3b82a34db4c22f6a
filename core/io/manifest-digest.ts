import { sha256 } from './sha256.js';

/**
 * sha256 of a manifest's JSON without its `digest` field, in the key order it was written with, so a
 * manifest is checked like the files it lists: an edited value, or a removed file digest, is refused.
 */
export function manifestDigest(manifest: object): string {
  const { digest: _digest, ...rest } = manifest as Record<string, unknown>;
  return sha256(JSON.stringify(rest));
}

/** Whether a parsed manifest carries the digest of its own content. */
export function hasValidDigest(manifest: object): boolean {
  const digest = (manifest as { digest?: unknown }).digest;
  return typeof digest === 'string' && digest === manifestDigest(manifest);
}
