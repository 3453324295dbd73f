/**
 * Classification heads over a sequence of per-frame CNN features, behind one interface (`Head`,
 * heads/base.ts). The kinds:
 *
 *  'recurrent': stacked LSTM/GRU layers → final state → dropout → dense softmax (heads/recurrent-head.ts)
 *  'mean-mlp':  masked mean of the frames → dense(relu) → dropout → dense softmax (heads/mean-mlp-head.ts)
 *
 * heads/registry.ts names the kinds and the names a person picks them by; IMPLEMENTATIONS below
 * maps each kind to its class, so a kind added there does not compile until it is built here.
 */
import type { ParamStore } from './params.js';
import type { Head, HeadConfig } from './heads/base.js';
import { MeanMlpHead } from './heads/mean-mlp-head.js';
import { RecurrentHead } from './heads/recurrent-head.js';
import type { HeadKind } from './heads/registry.js';

export { validateHeadConfig, type Batch, type Head, type HeadCache, type HeadConfig } from './heads/base.js';
export type { HeadKind } from './heads/registry.js';

export const DEFAULT_HEAD: Omit<HeadConfig, 'inputDim' | 'numClasses'> = {
  kind: 'recurrent',
  cell: 'lstm',
  layers: 1,
  hidden: 256,
  bidirectional: false,
  dropout: 0.3,
  recurrentDropout: 0,
};

type HeadClass = new (config: HeadConfig, params: ParamStore | undefined, seed: number) => Head;

const IMPLEMENTATIONS: Record<HeadKind, HeadClass> = {
  recurrent: RecurrentHead,
  'mean-mlp': MeanMlpHead,
};

function build(config: HeadConfig, params: ParamStore | undefined, seed: number): Head {
  // Unknown kinds (e.g. from a hand-edited model.json) reach validateHeadConfig's message.
  const Impl = IMPLEMENTATIONS[config.kind] ?? RecurrentHead;
  return new Impl(config, params, seed);
}

/** A head of any kind; `SequenceHead.create` / `.fromParams` build one from its config. */
export type SequenceHead = Head;

export const SequenceHead = {
  /** A freshly initialised head. Same config + seed → identical weights. */
  create(config: HeadConfig, seed = 1): Head {
    return build(config, undefined, seed);
  },
  /** A head around existing weights (e.g. loaded from disk); names and shapes are checked. */
  fromParams(config: HeadConfig, params: ParamStore): Head {
    return build(config, params, 0);
  },
};
