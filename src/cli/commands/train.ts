import { FramewiseError } from '../../errors.js';
import { createFeatureEngine } from '../../features/engines/select.js';
import { ProjectStore } from '../../store/project-store.js';
import { HEAD_NAMES, headSettings, isHeadName } from '../../models/heads/registry.js';
import { trainProjectModel } from '../../project/training.js';
import type { TrainConfig } from '../../training/train.js';
import { INPUT_KINDS, type InputKind } from '../../training/dataset.js';
import { notMeasuredLine } from '../../eval/validation-status.js';
import { formatDuration } from '../output.js';
import type { CommandContext } from '../command.js';

function optNum(v: unknown, name: string, check: (n: number) => boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || !check(n))
    throw new FramewiseError('BAD_ARGUMENT', `--${name} has an invalid value: ${String(v)}`);
  return n;
}

const int = (lo: number, hi: number) => (n: number) => Number.isInteger(n) && n >= lo && n <= hi;

export const trainCommand = {
  name: 'train',
  summary: "Train an LSTM/GRU (or frame-mean baseline) on a project's labelled segments",
  usage:
    `framewise train <project> [--head ${HEAD_NAMES.join('|')}] [--hidden 256] [--layers 1] [--bidirectional] [--dropout 0.2]\n` +
    '                [--epochs 30] [--batch 32] [--lr 0.001] [--clip-length 16] [--patience 5] [--val-fraction 0.2] [--seed 1] [--background on|off] [--name NAME]\n' +
    '                [--split video|official] [--class-weights none|balanced] [--input auto|absolute|relative] [--resume (with --name)] [--json]',
  options: {
    head: { type: 'string' },
    hidden: { type: 'string' },
    layers: { type: 'string' },
    bidirectional: { type: 'boolean' },
    dropout: { type: 'string' },
    epochs: { type: 'string' },
    batch: { type: 'string' },
    lr: { type: 'string' },
    'clip-length': { type: 'string' },
    patience: { type: 'string' },
    'val-fraction': { type: 'string' },
    seed: { type: 'string' },
    name: { type: 'string' },
    background: { type: 'string' },
    split: { type: 'string' },
    'class-weights': { type: 'string' },
    input: { type: 'string' },
    resume: { type: 'boolean' },
  },
  async run({ positionals, values, out, signal }: CommandContext): Promise<number> {
    const dir = positionals[0];
    if (!dir) return out.usage();
    const head = String(values['head'] ?? 'lstm');
    if (!isHeadName(head))
      throw new FramewiseError('BAD_ARGUMENT', `--head must be one of ${HEAD_NAMES.join(', ')} (got ${head}).`);
    const config: Partial<TrainConfig> = {
      head: {
        ...headSettings(head),
        ...(values['hidden'] !== undefined ? { hidden: optNum(values['hidden'], 'hidden', int(1, 4096))! } : {}),
        ...(values['layers'] !== undefined ? { layers: optNum(values['layers'], 'layers', int(1, 3))! } : {}),
        ...(values['bidirectional'] ? { bidirectional: true } : {}),
        ...(values['dropout'] !== undefined
          ? { dropout: optNum(values['dropout'], 'dropout', (n) => n >= 0 && n < 1)! }
          : {}),
      },
    };
    const set = <K extends keyof TrainConfig>(k: K, v: TrainConfig[K] | undefined): void => {
      if (v !== undefined) config[k] = v;
    };
    set('epochs', optNum(values['epochs'], 'epochs', int(1, 10000)));
    set('batchSize', optNum(values['batch'], 'batch', int(1, 4096)));
    set(
      'lr',
      optNum(values['lr'], 'lr', (n) => n > 0 && n < 1),
    );
    set('clipLength', optNum(values['clip-length'], 'clip-length', int(1, 4096)));
    set('patience', optNum(values['patience'], 'patience', int(0, 10000)));
    set(
      'valFraction',
      optNum(values['val-fraction'], 'val-fraction', (n) => n >= 0 && n < 1),
    );
    set('seed', optNum(values['seed'], 'seed', Number.isInteger));

    const background = values['background'] === undefined ? undefined : String(values['background']);
    if (background !== undefined && background !== 'on' && background !== 'off')
      throw new FramewiseError('BAD_ARGUMENT', `--background must be on or off (got ${background}).`);
    const split = values['split'] === undefined ? undefined : String(values['split']);
    if (split !== undefined && split !== 'video' && split !== 'official')
      throw new FramewiseError('BAD_ARGUMENT', `--split must be video or official (got ${split}).`);
    const weights = values['class-weights'];
    if (weights !== undefined && weights !== 'none' && weights !== 'balanced')
      throw new FramewiseError('BAD_ARGUMENT', `--class-weights must be none or balanced (got ${String(weights)}).`);
    if (weights !== undefined) config.classWeighting = weights;
    const input = values['input'];
    if (input !== undefined && !(INPUT_KINDS as readonly unknown[]).includes(input))
      throw new FramewiseError(
        'BAD_ARGUMENT',
        `--input must be one of ${INPUT_KINDS.join(', ')} (got ${String(input)}).`,
      );
    if (input !== undefined) config.input = input as InputKind;
    if (values['resume'] && typeof values['name'] !== 'string')
      throw new FramewiseError('BAD_ARGUMENT', '--resume needs --name: the model whose run to continue.');
    const store = await ProjectStore.open(dir);
    const engine = await createFeatureEngine(store.project.settings.backboneId);
    out.line(`backend: ${engine.backend}`);
    try {
      const res = await trainProjectModel(store, {
        engine,
        config,
        ...(background !== undefined ? { background: background === 'on' } : {}),
        ...(typeof values['name'] === 'string' ? { name: values['name'] } : {}),
        ...(split !== undefined ? { split } : {}),
        ...(values['resume'] ? { resume: true } : {}),
        signal,
        onExtract: (i, n, p) => {
          if (p.phase === 'extracting')
            out.progress(`features ${i + 1}/${n}`, p.framesDone, p.framesTotal, `${p.fps.toFixed(0)} fps`);
        },
        onProgress: (p) => {
          if (p.type === 'batch')
            out.progress(
              `epoch ${p.epoch + 1}/${p.epochs}`,
              p.batch + 1,
              p.batches,
              `loss ${p.loss.toFixed(3)} ETA ${formatDuration(p.etaSec)}`,
            );
          else {
            out.endProgress();
            out.line(
              `epoch ${p.epoch + 1}/${p.epochs}: loss ${p.loss.toFixed(4)} acc ${p.acc.toFixed(3)}` +
                (p.valLoss !== null
                  ? ` | val loss ${p.valLoss.toFixed(4)} val acc ${(p.valAcc ?? 0).toFixed(3)}`
                  : '') +
                ` | ${p.samplesPerSec.toFixed(0)} clips/s${p.improved ? ' *' : ''}`,
            );
          }
        },
      });
      for (const w of res.warnings) out.line(`warning: ${w}`);
      out.line(`input: ${res.input.kind} (${res.input.reason})`);
      if (res.validation) {
        const v = res.validation;
        const scores = `top-1 ${v.top1.toFixed(3)}, mean per-class accuracy ${v.meanPerClassAccuracy.toFixed(3)}`;
        const videos = `${res.valVideos.length} video(s)`;
        if (v.missingClasses.length === 0) out.line(`validation (${videos}): ${scores}`);
        else {
          // A score over some of the classes is not the model's: say so instead of headlining it.
          out.line(`validation (${videos}): ${notMeasuredLine(v.missingClasses)}`);
          out.line(`  partial, over the classes present only: ${scores}`);
        }
      }
      out.line(`model saved to ${res.modelDir} (${res.seconds.toFixed(1)} s)`);
      if (out.json) out.print({ backend: engine.backend, ...res });
    } finally {
      await engine.dispose();
    }
    return 0;
  },
};
