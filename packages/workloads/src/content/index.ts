export type { ContentModel, ContentModelName } from './content-model';
export { DuplicateContent } from './duplicate';
export { FileContent } from './file-content';
export { GeneratedContent, type GeneratedOptions, MAX_GENERATED_POOL } from './generated';
export { hashPage } from './hash';
export * from './layout';
export { DEFAULT_MIX, MixContent, type MixFractions } from './mix';
export {
  type ContentOptions,
  type ContentOptionsInput,
  contentModel,
  contentOptions,
  createContentModel,
} from './options';
export { OsImageContent } from './os-image';
export { UniqueContent } from './unique';
export { ZeroContent } from './zero';
