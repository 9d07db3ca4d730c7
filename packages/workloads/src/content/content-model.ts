import type { ContentId } from '@hvsim/spec';

/** Names of the content models, as scenario files give them. */
export type ContentModelName = 'zero' | 'unique' | 'os-image' | 'duplicate' | 'mix' | 'generated' | 'file';

/** What a workload writes: the content id a write to a page stores. */
export interface ContentModel {
  readonly model: ContentModelName;
  /** The content a write to page `vpn` (a virtual page, or a disk block for file writes) stores now. */
  contentFor(vpn: number): ContentId;
}
