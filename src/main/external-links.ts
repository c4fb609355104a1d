import type { ExternalLink } from '../shared/contract/app'

/** The only URLs the app ever opens outside itself. */
export const externalLinks: Record<ExternalLink, string> = {
  'erlang-memory-guide': 'https://www.erlang.org/doc/system/memory.html',
  'recon-docs': 'https://ferd.github.io/recon/',
  'crashdump-docs': 'https://www.erlang.org/doc/apps/erts/crash_dump.html',
  'erlscope-repo': 'https://github.com/erlscope/erlscope'
}

export function vettedUrl(link: unknown): string | null {
  if (typeof link !== 'string' || !Object.hasOwn(externalLinks, link)) return null
  const url = new URL(externalLinks[link as ExternalLink])
  return url.protocol === 'https:' ? url.toString() : null
}
