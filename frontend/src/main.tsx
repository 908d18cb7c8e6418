import { createRoot } from 'react-dom/client';
import { App } from './app/app';
import { reloadOnPreloadError } from './app/lazy-with-reload';
import { registerServiceWorker } from './lib/service-worker';
import { rememberTimeZone } from './lib/time-zone';
import './styles.css';

reloadOnPreloadError();
// The pages without JavaScript write times in this zone too.
rememberTimeZone();

const container = document.getElementById('root');
if (!container) throw new Error('index.html has no #root');
// The server's first paint already says whether anyone is signed in: a page
// header without "Signed in as" means no session, so the app can skip a
// /me request that would only answer 401.
const signedOut = container.querySelector('.ssr .bar') !== null && container.querySelector('.ssr .who') === null;
// createRoot, not hydrateRoot: the server may have put a plain-HTML first
// paint in #root, and the app replaces it rather than adopting it.
createRoot(container).render(<App knownSignedOut={signedOut} />);

if (import.meta.env.PROD) {
  window.addEventListener('load', () => void registerServiceWorker());
}
