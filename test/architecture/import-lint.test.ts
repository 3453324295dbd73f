import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/** The lint rule of eslint.config.js that keeps domain folders off the application layer. */
describe('import direction in lint', () => {
  const eslint = new ESLint({ cwd: process.cwd() });
  const lint = async (code: string, filePath: string) => {
    const [result] = await eslint.lintText(code, { filePath });
    return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports');
  };

  it('fails a domain folder that imports the store', async () => {
    const messages = await lint(
      "import type { Segment } from '../store/schema.js';\nexport type S = Segment;\n",
      'src/video/x.ts',
    );
    expect(messages).toHaveLength(1);
    expect(messages[0]!.severity).toBe(2);
    expect(messages[0]!.message).toMatch(/domain folder/);
  });

  it('fails a nested file that imports services, and a lower folder that imports a higher one', async () => {
    expect(
      await lint("export { mlServices } from '../../services/ml-services.js';\n", 'src/features/backbones/x.ts'),
    ).toHaveLength(1);
    expect(await lint("export { trainModel } from '../training/train.js';\n", 'src/video/x.ts')).toHaveLength(1);
    expect(await lint("export { projectPaths } from '../project/paths.js';\n", 'src/captioning/x.ts')).toHaveLength(1);
  });

  it('passes imports downwards and within a folder', async () => {
    expect(await lint("export { atomicWriteFile } from '../util/atomic-write.js';\n", 'src/video/x.ts')).toEqual([]);
    expect(
      await lint(
        "export { probe } from '../video/probe.js';\nexport { contentHash } from './content-hash.js';\n",
        'src/features/x.ts',
      ),
    ).toEqual([]);
    expect(await lint("export { tIoU } from '../util/intervals.js';\n", 'src/eval/x.ts')).toEqual([]);
  });

  it('leaves the application layer free to import the domain', async () => {
    expect(
      await lint(
        "export { trainModel } from '../training/train.js';\nexport { ProjectStore } from '../store/project-store.js';\n",
        'src/project/x.ts',
      ),
    ).toEqual([]);
  });
});
