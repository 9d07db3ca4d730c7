import { describe, expect, it } from 'vitest';
import { DISK_IMAGE_CONTENT_BASE, imageBlockContent, imageContentBase } from './content-ids';

describe('disk image contents', () => {
  it('numbers an image’s blocks from its base, inside the disk-image range', () => {
    const base = imageContentBase('debian');
    expect(imageBlockContent('debian', 0)).toBe(base);
    expect(imageBlockContent('debian', 12345)).toBe(base + 12345);
    expect(base).toBeGreaterThanOrEqual(DISK_IMAGE_CONTENT_BASE);
    expect(imageBlockContent('debian', 2 ** 32 - 1)).toBeLessThan(2 * DISK_IMAGE_CONTENT_BASE);
  });

  it('gives two images their own contents, and one image the same contents every time', () => {
    expect(imageContentBase('debian')).not.toBe(imageContentBase('windows'));
    expect(imageContentBase('debian')).toBe(imageContentBase('debian'));
  });
});
