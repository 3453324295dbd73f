import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where `framewise serve` keeps app-wide state (the recent-projects list): FRAMEWISE_STATE_DIR,
 * else the platform's config folder. The desktop app uses Electron's userData folder instead.
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env['FRAMEWISE_STATE_DIR']) return env['FRAMEWISE_STATE_DIR'];
  if (platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), 'Framewise');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Framewise');
  return join(env['XDG_CONFIG_HOME'] ?? join(homedir(), '.config'), 'framewise');
}
