import { NAVIGATE_CHANNEL, TOGGLE_THEME_CHANNEL } from '../common/channels';
import { StudioApp } from './app/studio-app';
import { connectStudio } from './client/connect';
import { compareScreen } from './screens/compare-screen';
import { exportScreen } from './screens/export-screen';
import { newRunScreen } from './screens/new-run-screen';
import { runDetailScreen } from './screens/run-detail-screen';
import { runsScreen } from './screens/runs-screen';
import { searchScreen } from './screens/search-screen';

const app = new StudioApp(document.getElementById('app')!, connectStudio(), {
  runs: runsScreen,
  new: newRunScreen,
  run: runDetailScreen,
  search: searchScreen,
  compare: compareScreen,
  export: exportScreen,
});

// Electron menus (File ▸ New run, View ▸ Toggle theme, ...) reach the renderer through the bridge.
window.oqat?.on(NAVIGATE_CHANNEL, (hash) => {
  if (typeof hash === 'string' && hash.startsWith('#/')) location.hash = hash;
});
window.oqat?.on(TOGGLE_THEME_CHANNEL, () => app.context.theme.toggle());

app.start();
