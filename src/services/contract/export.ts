/**
 * What the Export dialog and `export.file` write, and where. Part of the one contract
 * (../contract.ts).
 */
export type ExportKind =
  'predictions-csv' | 'predictions-json' | 'captions-srt' | 'captions-vtt' | 'model' | 'captioner' | ToolExportKind;

/**
 * For other tools: a ZIP of <model>.onnx + <model>.json (as `framewise export`), the user's labels
 * as CSV or ActivityNet-style JSON (every caption), a video's cached features as NPY (float32 [frames, dim], as `framewise extract --npy`).
 */
export type ToolExportKind = 'model-onnx' | 'labels-csv' | 'labels-json' | 'features-npy';

export interface ExportArgs {
  kind: ExportKind;
  /** Predictions and captions: the video (predictions of every video when omitted). */
  videoId?: string;
  /** model / captioner: which one (default the newest). */
  name?: string;
  /** Absolute path of the file to write; omitted: the bytes are returned instead. */
  destPath?: string;
}

export interface ExportResult {
  fileName: string;
  mime: string;
  bytes: number;
  /** Where the file was written (with destPath), else null. */
  path: string | null;
  /** The content, base64 (without destPath), else null. */
  base64: string | null;
}
