/**
 * Models and what they make: classifier and captioner training runs (curves, summaries), the
 * project's trained models, predictions and captions per video, and the "label next" queue.
 */
import type {
  ApiEvent,
  CaptionerSummary,
  CaptionerTrainArgs,
  CaptionResult,
  JobResult,
  LabelSuggestion,
  LocalizationArgs,
  ModelInfo,
  PredictionResult,
  TrainingArgs,
  TrainingEpoch,
  TrainingRunInfo,
  TrainingSummary,
} from '../../../src/services/contract.js';
import type { Client } from '../api-client.js';
import type { JobsState } from './jobs.svelte.js';
import type { Notices } from './notices.svelte.js';

type TrainingEvent = Extract<ApiEvent, { type: 'training' | 'training.result' }>;

export class TrainingState {
  /** The training job shown in the Training view, its per-epoch curve and final summary. */
  trainingJobId = $state<string | null>(null);
  /** The arguments of the last run started here: Resume continues it under the same name. */
  lastTrainingArgs = $state<TrainingArgs | null>(null);
  /** Runs of the project with a checkpoint (from disk, so they outlive a restart), newest first. */
  runs = $state<TrainingRunInfo[]>([]);
  trainingEpochs = $state<Record<string, TrainingEpoch[]>>({});
  trainingResults = $state<Record<string, TrainingSummary>>({});
  /** Captioner training results, by job id. */
  captionerResults = $state<Record<string, CaptionerSummary>>({});
  /** The captioner training job shown in the Captioning panel. */
  captionerJobId = $state<string | null>(null);
  /** Trained models and captioners of the project. */
  models = $state<ModelInfo[]>([]);
  /** videoId → the last prediction made in this session. */
  predictions = $state<Record<string, PredictionResult>>({});
  /** videoId → its generated captions (loaded from the project, or just made). */
  captions = $state<Record<string, CaptionResult>>({});
  /** Where the model is least sure, most uncertain first: the last "label next" job's list. */
  suggestions = $state<LabelSuggestion[]>([]);

  constructor(
    private readonly client: Client,
    private readonly jobs: JobsState,
    private readonly notices: Notices,
    /** Models belong to a project: without one open there is nothing to list. */
    private readonly hasProject: () => boolean,
  ) {
    jobs.onResult((r) => this.applyResult(r));
    jobs.onFinished((j) => {
      if (j.kind === 'train' || j.kind === 'caption-train') void this.refreshModels();
      if (j.kind === 'train') void this.refreshRuns();
    });
  }

  /** Another project was opened: its predictions, captions and models replace these. */
  reset(): void {
    this.predictions = {};
    this.captions = {};
    this.suggestions = [];
    this.lastTrainingArgs = null;
    void this.refreshModels();
    void this.refreshRuns();
  }

  handleEvent(e: TrainingEvent): void {
    if (e.type === 'training') {
      const list = this.trainingEpochs[e.jobId] ?? [];
      if (!list.some((x) => x.epoch === e.epoch.epoch)) this.trainingEpochs[e.jobId] = [...list, e.epoch];
    } else {
      this.trainingResults[e.result.jobId] = e.result;
      this.trainingEpochs[e.result.jobId] = e.result.history;
    }
  }

  private applyResult(r: JobResult): void {
    switch (r.kind) {
      case 'predict':
        this.predictions[r.prediction.videoId] = r.prediction;
        break;
      case 'caption':
        this.captions[r.captions.videoId] = r.captions;
        break;
      case 'caption-train':
        this.captionerResults[r.jobId] = r.summary;
        this.trainingEpochs[r.jobId] = r.summary.history;
        break;
      case 'suggest':
        this.suggestions = r.suggestions;
        if (r.suggestions.length === 0) this.notices.toast('info', 'Nothing to suggest: every stretch is labelled.');
        break;
      case 'demo':
        this.notices.toast(
          'info',
          `Demo ready: ${r.demo.videos} videos (${r.demo.classes.join(', ')})${
            r.demo.validationTop1 !== null ? `, validation accuracy ${(r.demo.validationTop1 * 100).toFixed(0)} %` : ''
          }. Select an unlabelled video and press Predict.`,
        );
        void this.refreshModels();
        break;
    }
  }

  async startTraining(args: TrainingArgs): Promise<void> {
    const jobId = await this.jobs.start('train', 'Training', () => this.client.call('training.start', args), {
      total: args.epochs ?? 0,
    });
    if (!jobId) return;
    this.trainingJobId = jobId;
    this.lastTrainingArgs = { ...args, resume: false };
    this.trainingEpochs[jobId] ??= [];
  }

  /** Fetches the summary in case its event was missed (e.g. the event stream reconnected). */
  async loadTrainingResult(jobId: string): Promise<void> {
    if (this.trainingResults[jobId]) return;
    await this.notices.attempt(async () => {
      const r = await this.client.call('training.result', { jobId });
      if (r) {
        this.trainingResults[jobId] = r;
        this.trainingEpochs[jobId] = r.history;
      }
    });
  }

  async predict(videoId: string, modelName?: string, localisation: LocalizationArgs = {}): Promise<void> {
    await this.jobs.start(
      'predict',
      'Predicting',
      () => this.client.call('predict.start', { videoId, ...(modelName ? { modelName } : {}), ...localisation }),
      { videoId },
    );
  }

  /** Asks the newest model where it is least sure, as a job the person can follow and cancel. */
  async findLabelNext(): Promise<void> {
    await this.jobs.start('suggest', 'Finding what to label next', () => this.client.call('suggest.start', {}));
  }

  async trainCaptioner(args: CaptionerTrainArgs): Promise<void> {
    const jobId = await this.jobs.start('caption-train', 'Training captioner', () =>
      this.client.call('captioning.train', args),
    );
    if (jobId) {
      this.captionerJobId = jobId;
      this.trainingEpochs[jobId] ??= [];
    }
  }

  async captionVideo(videoId: string, windowSec?: number): Promise<void> {
    await this.jobs.start(
      'caption',
      'Captioning',
      () => this.client.call('captioning.run', windowSec ? { videoId, windowSec } : { videoId }),
      { videoId },
    );
  }

  /** Generated captions of a video, fetched once per video and session. */
  async loadCaptions(videoId: string): Promise<void> {
    if (videoId in this.captions) return;
    try {
      const c = await this.client.call('captioning.get', { videoId });
      if (c) this.captions[videoId] = c;
    } catch {
      // No captions is the normal case; a failure here must not interrupt playback.
    }
  }

  async refreshRuns(): Promise<void> {
    await this.fetchForProject(
      () => this.client.call('training.runs', {}),
      (runs) => (this.runs = runs),
    );
  }

  async refreshModels(): Promise<void> {
    await this.fetchForProject(
      () => this.client.call('models.list', {}),
      (models) => (this.models = models),
    );
  }

  /** Lists that belong to a project: nothing to fetch without one; a failure is shown, not thrown. */
  private async fetchForProject<T>(fetch: () => Promise<T>, keep: (value: T) => void): Promise<void> {
    if (!this.hasProject()) return;
    try {
      keep(await fetch());
    } catch (e) {
      this.notices.showError(e);
    }
  }
}
