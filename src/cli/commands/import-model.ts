import { resolve } from 'node:path';
import { importModel } from '../../project/import-model.js';
import { ProjectStore } from '../../store/project-store.js';
import type { CommandContext } from '../command.js';

export const importModelCommand = {
  name: 'import-model',
  summary: 'Add a model or captioner exported by Framewise elsewhere (its ZIP or folder), checked against the project',
  usage:
    'framewise import-model <project> <model.zip|model-folder> [--name NAME] [--add-classes] [--json]\n' +
    '  refused (MODEL_MISMATCH) when the model was trained on another backbone, other feature streams,\n' +
    '  or predicts classes the project lacks (--add-classes adds them); never replaces a model.',
  options: { name: { type: 'string' }, 'add-classes': { type: 'boolean' } },
  async run({ positionals, values, out }: CommandContext): Promise<number> {
    const [dir, source] = positionals;
    if (!dir || !source) return out.usage();
    const store = await ProjectStore.open(dir);
    const r = await importModel(store, resolve(source), {
      ...(typeof values['name'] === 'string' ? { name: values['name'] } : {}),
      addClasses: values['add-classes'] === true,
    });
    out.line(
      `${r.kind === 'captioner' ? 'Captioner' : 'Model'} ${r.name} imported into ${r.dir}` +
        (r.addedClasses.length ? `; classes added: ${r.addedClasses.join(', ')}` : ''),
    );
    if (out.json) out.print(r);
    return 0;
  },
};
