import { mount } from 'svelte';
import App from './App.svelte';
import { createClient } from './api-client.js';
import { AppState } from './state/app.svelte.js';
import { loadTheme } from './lib/layout.js';
import './styles.css';

// Before the first paint, so the window does not flash the other theme.
document.documentElement.dataset['theme'] = loadTheme(typeof localStorage === 'undefined' ? null : localStorage);

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

try {
  const app = new AppState(createClient());
  // Errors outside rendering (event handlers, timers, stray promises) still reach the person.
  window.addEventListener('error', (e) => app.notices.showError(e.error ?? e.message));
  window.addEventListener('unhandledrejection', (e) => app.notices.showError(e.reason));
  mount(App, { target, props: { app } });
} catch (e) {
  // Even a failed start shows a sentence rather than an empty window.
  const p = document.createElement('p');
  p.className = 'fatal';
  p.textContent = `Framewise could not start: ${e instanceof Error ? e.message : String(e)}`;
  target.replaceChildren(p);
  throw e;
}
