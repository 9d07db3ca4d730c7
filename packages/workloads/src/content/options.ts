import { resolve } from 'node:path';
import { InvalidOptionsError, scaleOf, scalePages, type WorkloadContext } from '@hvsim/spec';
import { z } from 'zod';
import type { ContentModel, ContentModelName } from './content-model';
import { DuplicateContent } from './duplicate';
import { FileContent } from './file-content';
import { GeneratedContent, MAX_GENERATED_POOL } from './generated';
import { MAX_DUPLICATE_POOL, MAX_OS_IMAGES } from './layout';
import { DEFAULT_MIX, MixContent } from './mix';
import { OsImageContent } from './os-image';
import { UniqueContent } from './unique';
import { ZeroContent } from './zero';

const MODEL_NAMES = [
  'zero',
  'unique',
  'os-image',
  'duplicate',
  'mix',
  'generated',
] as const satisfies readonly ContentModelName[];

const image = () =>
  z
    .number()
    .int()
    .min(0)
    .max(MAX_OS_IMAGES - 1)
    .default(0)
    .describe(`which OS image, 0–${MAX_OS_IMAGES - 1}: VMs with the same image share its pages`);

const pool = () =>
  z
    .number()
    .int()
    .min(1)
    .max(MAX_DUPLICATE_POOL)
    .default(32)
    .describe('distinct contents in the per-VM pool of duplicates (fewer means more repeats)');

const fraction = (value: number, what: string) =>
  z.number().min(0).max(1).default(value).describe(`fraction of pages that ${what} (default ${value})`);

/** The models whose options all have defaults, so that a bare name stands for them. */
const bareModels = [
  z.object({ model: z.literal('zero').describe('every write stores zeros') }),
  z.object({ model: z.literal('unique').describe('every write stores a content nothing else ever stores') }),
  z.object({
    model: z.literal('os-image').describe('a page holds the same content in every VM with the same image'),
    image: image(),
  }),
  z.object({
    model: z.literal('duplicate').describe('pages repeat a small pool of contents private to the VM'),
    pool: pool(),
  }),
  z
    .object({
      model: z.literal('mix').describe('each page is zero, os-image, duplicate or unique by a stable hash'),
      zero: fraction(DEFAULT_MIX.zero, 'hold zeros'),
      osImage: fraction(DEFAULT_MIX.osImage, 'are common to the OS image across VMs'),
      duplicate: fraction(DEFAULT_MIX.duplicate, 'repeat other pages of the same VM'),
      pool: pool(),
      image: image(),
      salt: z
        .number()
        .int()
        .default(0)
        .describe('reshuffles which pages fall in which class; VMs must agree on it to share OS-image pages'),
    })
    .refine((m) => m.zero + m.osImage + m.duplicate <= 1 + 1e-9, {
      message: 'zero + osImage + duplicate must not exceed 1 (the rest of the pages are unique)',
    }),
  z.object({
    model: z
      .literal('generated')
      .describe('real bytes made up of random bytes and runs, as compressible as told (a codec sees them)'),
    compressibility: z
      .number()
      .min(0)
      .max(1)
      .default(0.5)
      .describe('share of each page a codec can remove: 0 random bytes, 0.75 about 4:1 (default 0.5)'),
    pool: z
      .number()
      .int()
      .min(1)
      .max(MAX_GENERATED_POOL)
      .default(1024)
      .describe('distinct pages, made on first use; page n holds pool page n mod pool (default 1024)'),
    salt: z
      .number()
      .int()
      .default(0)
      .describe('which pages: VMs with the same options and salt hold the same pages (default 0)'),
  }),
] as const;

const namedModels = z.discriminatedUnion('model', [...bareModels]);

const models = z.discriminatedUnion('model', [
  ...bareModels,
  z.object({
    model: z.literal('file').describe('real contents: a file or disk image cut into 4 KiB pages'),
    path: z
      .string()
      .min(1)
      .describe("the file or disk image (a relative path starts at the scenario file's folder)"),
  }),
]);

/**
 * The `content` option generators embed: a model name (`"unique"`) or an object naming the model and its
 * parameters (`{ model: "mix", zero: 0.1, osImage: 0.3, duplicate: 0.1 }`).
 */
export const contentOptions = z
  .union(
    [
      z
        .enum(MODEL_NAMES)
        .transform((model) => ({ model }))
        .pipe(namedModels),
      models,
    ],
    {
      error: (issue) =>
        issue.code === 'invalid_union'
          ? `expected a content model — one of ${MODEL_NAMES.map((m) => `"${m}"`).join(', ')} — or an object such as { model: "mix", zero: 0.05 }`
          : undefined,
    },
  )
  .describe(
    'what writes store: "zero", "unique", "os-image", "duplicate", "mix" or "generated", or an object with the model and its parameters',
  );

export type ContentOptions = z.output<typeof contentOptions>;
export type ContentOptionsInput = z.input<typeof contentOptions>;

/**
 * Builds the content model the options describe, for the VM of `ctx`. In a miniature, pools of distinct
 * contents shrink with the pages that hold them, so each content is repeated as often as at full size;
 * fractions stay, and a file is sampled by the same spatial sample as traces.
 */
export function createContentModel(
  options: ContentOptions,
  ctx: Pick<WorkloadContext, 'vm' | 'contents' | 'baseDir' | 'scale'>,
): ContentModel {
  const scale = scaleOf(ctx);
  switch (options.model) {
    case 'zero':
      return new ZeroContent();
    case 'unique':
      return new UniqueContent(ctx.vm);
    case 'os-image':
      return new OsImageContent(options.image);
    case 'duplicate':
      return new DuplicateContent(ctx.vm, scalePages(options.pool, scale));
    case 'mix':
      return new MixContent(
        ctx.vm,
        { zero: options.zero, osImage: options.osImage, duplicate: options.duplicate },
        { pool: scalePages(options.pool, scale), image: options.image, salt: options.salt },
      );
    case 'generated':
      return new GeneratedContent({ ...options, pool: scalePages(options.pool, scale) }, ctx.contents);
    case 'file':
      return new FileContent(resolve(ctx.baseDir ?? '', options.path), ctx.contents, scale);
  }
}

/** Parses raw content options (a name or an object) and builds the model: for callers outside a definition. */
export function contentModel(
  options: ContentOptionsInput,
  ctx: Pick<WorkloadContext, 'vm' | 'contents' | 'baseDir' | 'scale'>,
): ContentModel {
  const parsed = contentOptions.safeParse(options);
  if (!parsed.success) {
    throw new InvalidOptionsError(
      'content',
      parsed.error.issues.map((issue) => ({
        path: issue.path.length === 0 ? '(root)' : issue.path.join('.'),
        message: issue.message,
      })),
    );
  }
  return createContentModel(parsed.data, ctx);
}
