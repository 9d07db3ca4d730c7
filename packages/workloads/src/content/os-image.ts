import { type ContentId, InvalidInputError } from '@hvsim/spec';
import type { ContentModel } from './content-model';
import { MAX_OS_IMAGES, osImageContent } from './layout';

/**
 * Pages of an OS image (kernel, libraries, read-only data): a page's content depends only on the image and
 * the page index, so every VM booted from the same image writes the same contents at the same pages.
 */
export class OsImageContent implements ContentModel {
  readonly model = 'os-image';
  readonly image: number;

  constructor(image = 0) {
    if (!Number.isInteger(image) || image < 0 || image >= MAX_OS_IMAGES) {
      throw new InvalidInputError('image', `expected a whole number in [0, ${MAX_OS_IMAGES}), got ${image}`);
    }
    this.image = image;
  }

  contentFor(vpn: number): ContentId {
    return osImageContent(this.image, vpn);
  }
}
