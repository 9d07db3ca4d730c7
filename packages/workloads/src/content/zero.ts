import { type ContentId, ZERO_CONTENT } from '@hvsim/spec';
import type { ContentModel } from './content-model';

/** Every write stores zeros (a guest zeroing its memory, as Windows does at boot). */
export class ZeroContent implements ContentModel {
  readonly model = 'zero';
  contentFor(_vpn: number): ContentId {
    return ZERO_CONTENT;
  }
}
