import { InvalidOptionsError, type VmId } from '@hvsim/spec';
import {
  contentModel,
  contentOptions,
  createContentModel,
  DuplicateContent,
  MixContent,
  OsImageContent,
  UniqueContent,
  ZeroContent,
} from '@hvsim/workloads';
import { describe, expect, it } from 'vitest';

const ctx = { vm: 5 as VmId };

describe('content options', () => {
  it('take a model name as shorthand for the model with its defaults', () => {
    expect(contentOptions.parse('unique')).toEqual({ model: 'unique' });
    expect(contentOptions.parse('mix')).toEqual({
      model: 'mix',
      zero: 0.05,
      osImage: 0.2,
      duplicate: 0.05,
      pool: 32,
      image: 0,
      salt: 0,
    });
    expect(contentOptions.parse({ model: 'duplicate' })).toEqual({ model: 'duplicate', pool: 32 });
    expect(contentOptions.parse({ model: 'os-image', image: 3 })).toEqual({ model: 'os-image', image: 3 });
  });

  it('build the model they name', () => {
    expect(contentModel('zero', ctx)).toBeInstanceOf(ZeroContent);
    expect(contentModel('unique', ctx)).toBeInstanceOf(UniqueContent);
    expect(contentModel({ model: 'os-image', image: 2 }, ctx)).toBeInstanceOf(OsImageContent);
    expect(contentModel({ model: 'duplicate', pool: 3 }, ctx)).toBeInstanceOf(DuplicateContent);
    const mix = createContentModel(
      contentOptions.parse({ model: 'mix', zero: 0.1, osImage: 0.3, duplicate: 0.1 }),
      ctx,
    );
    expect(mix).toBeInstanceOf(MixContent);
    expect((mix as MixContent).fractions).toEqual({ zero: 0.1, osImage: 0.3, duplicate: 0.1 });
  });

  it('say what is wrong, naming the field', () => {
    const message = (input: unknown) => {
      try {
        contentModel(input as never, ctx);
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidOptionsError);
        return (error as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(message('random')).toMatch(/expected a content model — one of "zero", "unique", "os-image"/);
    expect(message({ model: 'nope' })).toMatch(/expected a content model/);
    expect(message({ model: 'mix', zero: 0.6, osImage: 0.6 })).toMatch(/must not exceed 1/);
    expect(message({ model: 'mix', zero: 2 })).toMatch(/zero: Too big/);
    expect(message({ model: 'duplicate', pool: 0 })).toMatch(/pool: Too small/);
    expect(message({ model: 'os-image', image: 512 })).toMatch(/image: Too big/);
  });

  it('describe every parameter, for the CLI', () => {
    expect(contentOptions.description).toMatch(/what writes store/);
  });
});
