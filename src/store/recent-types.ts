/** Types only (the renderer imports them through the contract; no Node modules here). */
export interface RecentProject {
  root: string;
  name: string;
  openedAt: string;
}
