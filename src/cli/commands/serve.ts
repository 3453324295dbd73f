import type { CommandContext } from '../command.js';

export const serveCommand = {
  name: 'serve',
  summary: 'Run the app in a browser: a local server on 127.0.0.1 with a token in the printed URL',
  usage: 'framewise serve [--port 0] [--project <folder>]',
  options: { port: { type: 'string' }, project: { type: 'string' } },
  async run({ values }: CommandContext): Promise<number> {
    const { runServe } = await import('../../serve/cli-serve.js');
    const port = values['port'] === undefined ? 0 : Number(values['port']);
    await runServe({ port, ...(typeof values['project'] === 'string' ? { projectDir: values['project'] } : {}) });
    return 0;
  },
};
