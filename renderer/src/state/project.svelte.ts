/**
 * The open project: its snapshot, the selected video, recent projects, and every edit saved
 * through project.save (with one retry on a revision conflict).
 */
import type { ProjectSnapshot, RecentProject } from '../../../src/services/contract.js';
import type { Project, ProjectClass, ProjectVideo, Segment } from '../../../src/store/schema.js';
import type { Client } from '../api-client.js';
import { toApiCallError } from '../errors.js';
import { newLocalId } from './ids.js';
import type { Notices } from './notices.svelte.js';

export class ProjectState {
  snapshot = $state<ProjectSnapshot | null>(null);
  selectedId = $state<string | null>(null);
  /** The segment selected on the timeline (the inspector shows it, Shift+L loops it). */
  selectedSegmentId = $state<string | null>(null);
  /** Recently opened projects (newest first). */
  recent = $state<RecentProject[]>([]);

  readonly videos = $derived<ProjectVideo[]>(this.snapshot?.project.videos ?? []);
  readonly classes = $derived<ProjectClass[]>(this.snapshot?.project.classes ?? []);
  readonly segments = $derived<Segment[]>(this.snapshot?.project.segments ?? []);
  readonly selected = $derived<ProjectVideo | null>(this.videos.find((v) => v.id === this.selectedId) ?? null);

  /** Called when another project (or none) replaces the open one: per-project state resets. */
  private readonly projectChanged: ((s: ProjectSnapshot | null) => void)[] = [];
  /** Called with the ids of videos this window just added (jobs start their playable copies). */
  private readonly addedHooks: ((videoIds: string[]) => void)[] = [];

  constructor(
    private readonly client: Client,
    private readonly notices: Notices,
  ) {}

  onProjectChanged(fn: (s: ProjectSnapshot | null) => void): void {
    this.projectChanged.push(fn);
  }

  onVideosAdded(fn: (videoIds: string[]) => void): void {
    this.addedHooks.push(fn);
  }

  async load(): Promise<void> {
    await this.notices.attempt(async () => this.setSnapshot(await this.client.call('project.current', {})));
  }

  setSnapshot(s: ProjectSnapshot | null): void {
    const changed = s?.root !== this.snapshot?.root;
    this.snapshot = s;
    if (changed) {
      void this.loadRecent();
      for (const fn of this.projectChanged) fn(s);
    }
    const ids = s?.project.videos.map((v) => v.id) ?? [];
    if (this.selectedId && !ids.includes(this.selectedId)) this.selectedId = null;
    if (!this.selectedId && s && s.project.videos.length > 0) this.selectedId = s.project.videos[0]!.id;
  }

  async createProject(dir: string, name: string): Promise<void> {
    const snap = await this.notices.run('Creating project…', () => this.client.call('project.create', { dir, name }));
    if (snap) this.setSnapshot(snap);
  }

  async openProject(dir: string): Promise<void> {
    const snap = await this.notices.run('Opening project…', () => this.client.call('project.open', { dir }));
    if (snap) this.setSnapshot(snap);
  }

  async addVideos(paths: string[]): Promise<boolean> {
    if (paths.length === 0) return false;
    // Taken before the call: the server's project event can bring the new videos in before the
    // call itself answers, and then they would not count as added.
    const before = this.videos.map((v) => v.id);
    const res = await this.notices.run('Adding videos…', () => this.client.call('project.addVideos', { paths }));
    if (!res) return false;
    this.setSnapshot(res.snapshot);
    const added = this.videos.filter((v) => !before.includes(v.id)).map((v) => v.id);
    if (added.length > 0) for (const fn of this.addedHooks) fn(added);
    for (const r of res.rejected) this.notices.toast('error', `Not added: ${r.path}: ${r.message}`);
    return res.rejected.length < paths.length;
  }

  async loadRecent(): Promise<void> {
    try {
      this.recent = await this.client.call('project.recent', {});
    } catch {
      // The list is a convenience; without it the panel just shows no recent projects.
    }
  }

  /**
   * Applies `change` to a copy of the project and saves it through project.save. The save names
   * the revision it is based on; when another window or a job saved in between (CONFLICT), the
   * change is applied again to the fresh project once, so neither side's edit is lost.
   */
  async saveProject(label: string, change: (p: Project) => void): Promise<boolean> {
    if (!this.snapshot) return false;
    const attempt = (base: ProjectSnapshot) => {
      const next = $state.snapshot(base.project) as Project;
      change(next);
      return this.client.call('project.save', { project: next, baseRevision: base.revision });
    };
    const snap = await this.notices.run(label, async () => {
      try {
        return await attempt(this.snapshot!);
      } catch (e) {
        if (toApiCallError(e).code !== 'CONFLICT') throw e;
        const fresh = await this.client.call('project.current', {});
        if (!fresh) throw e;
        this.setSnapshot(fresh);
        return attempt(fresh);
      }
    });
    if (snap) this.setSnapshot(snap);
    return snap !== undefined;
  }

  /**
   * Switches the project's frame backbone. Features are per backbone, so the next extraction makes
   * new ones (the old stay cached); models trained on the old backbone refuse the new features
   * until retrained, hence the question when there are any.
   */
  async setBackbone(
    backboneId: string,
    context: { backboneName: string; models: number },
    ask: (message: string) => boolean = (m) => confirm(m),
  ): Promise<boolean> {
    const current = this.snapshot?.project.settings.backboneId;
    if (!current || current === backboneId) return false;
    const { backboneName: name, models } = context;
    const warning =
      models > 0
        ? ` The ${models} trained model${models === 1 ? '' : 's'} of this project use ${current} features and will need retraining.`
        : '';
    if (!ask(`Use ${name} for this project? Features will be extracted again.${warning}`)) return false;
    return this.saveProject('Changing backbone', (p) => {
      p.settings.backboneId = backboneId;
    });
  }

  /** The video's segments (user and prediction), in time order. */
  segmentsOf(videoId: string): Segment[] {
    return this.segments.filter((x) => x.videoId === videoId).sort((a, b) => a.start - b.start);
  }

  addClass(name: string, color: string): Promise<boolean> {
    const trimmed = name.trim();
    if (!trimmed) {
      this.notices.toast('error', 'Give the class a name.');
      return Promise.resolve(false);
    }
    if (this.classes.some((c) => c.name === trimmed)) {
      this.notices.toast('error', `There is already a class "${trimmed}".`);
      return Promise.resolve(false);
    }
    return this.saveProject('Adding class…', (p) => p.classes.push({ id: newLocalId('cls'), name: trimmed, color }));
  }

  renameClass(classId: string, name: string): Promise<boolean> {
    const trimmed = name.trim();
    if (!trimmed) {
      this.notices.toast('error', 'A class needs a name.');
      return Promise.resolve(false);
    }
    if (this.classes.some((c) => c.id !== classId && c.name === trimmed)) {
      this.notices.toast('error', `There is already a class "${trimmed}"; merge into it instead.`);
      return Promise.resolve(false);
    }
    return this.saveProject('Renaming class…', (p) => {
      const c = p.classes.find((x) => x.id === classId);
      if (c) c.name = trimmed;
    });
  }

  setClassColor(classId: string, color: string): Promise<boolean> {
    return this.saveProject('Changing colour…', (p) => {
      const c = p.classes.find((x) => x.id === classId);
      if (c) c.color = color;
    });
  }
}
