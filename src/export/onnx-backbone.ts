/**
 * What a pipeline outside Framewise needs to run an exported backbone ONNX file (the one Framewise
 * itself runs, from the backbone cache) and feed its output to the exported head: the input
 * layout, size and pixel normalisation, how frames are sampled and resized, and which part of the
 * head's input vector the graph does not compute (feature streams such as motion).
 */
import type { BackboneManifest } from '../features/backbones/registry.js';

export interface BackboneSidecar {
  id: string;
  name: string;
  /** The .onnx file next to the head's, e.g. "mobilenet_v2_nsfwjs.onnx". */
  file: string;
  input: {
    /** Null: the model's only input. */
    name: string | null;
    layout: 'nhwc-uint8' | 'nchw-float32';
    shape: (string | number)[];
    colour: 'RGB';
    /** How the frames were sampled and resized before the backbone, as Framewise extracts them. */
    frames: string;
    normalisation: {
      formula: string;
      scale: number[];
      offset: number[];
      where: 'inside the graph' | 'before the graph';
    };
  };
  output: { name: string | null; shape: (string | number)[] };
  /** Columns [0, appearanceDim) of the head's input are this output. */
  appearanceDim: number;
  /**
   * Columns [appearanceDim, featureDim) of the head's input: feature streams Framewise computes
   * from the frames itself (features/streams); no ONNX graph computes them.
   */
  notInGraph: { streams: string[]; columns: [number, number] | null; note: string };
}

export function backboneSidecar(
  spec: BackboneManifest,
  file: string,
  model: { fps: number; featureDim: number; streams: string[] },
): BackboneSidecar {
  const layout = spec.onnx?.layout ?? 'nhwc-uint8';
  // Models Framewise converts itself take uint8 and normalise inside the graph; others get it in JS.
  const npm = spec.source.kind === 'npm';
  const { inputWidth: w, inputHeight: h } = spec;
  const streams = model.streams;
  return {
    id: spec.id,
    name: spec.name,
    file,
    input: {
      name: spec.onnx?.input ?? (npm ? 'frames' : null),
      layout,
      shape: layout === 'nhwc-uint8' ? ['N', h, w, 3] : ['N', 3, h, w],
      colour: 'RGB',
      frames: `${model.fps} frames per second (ffmpeg fps filter), each scaled to ${w}x${h} ignoring the aspect ratio (ffmpeg scale=${w}:${h}, bicubic)`,
      normalisation: {
        formula: 'x * scale + offset, per channel, on 0..255 pixel values',
        scale: spec.normalisation.scale,
        offset: spec.normalisation.offset,
        where: layout === 'nhwc-uint8' ? 'inside the graph' : 'before the graph',
      },
    },
    output: { name: spec.onnx?.output ?? (npm ? 'features' : null), shape: ['N', spec.featureDim] },
    appearanceDim: spec.featureDim,
    notInGraph:
      streams.length === 0
        ? { streams: [], columns: null, note: 'The head takes the backbone output alone: frames → backbone → head.' }
        : {
            streams,
            columns: [spec.featureDim, model.featureDim],
            note:
              `The head also takes the ${streams.join(', ')} stream(s), ${model.featureDim - spec.featureDim} numbers a frame ` +
              'that Framewise computes from the frames itself (framewise extract writes them); no ONNX graph here computes them.',
          },
  };
}
