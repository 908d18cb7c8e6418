import { useEffect } from 'react';

/**
 * Keeps `--app-height` (styles.css) at the height the reader can see, so
 * the composer sits just above the on-screen keyboard. Browsers that honour
 * `interactive-widget=resizes-content` (index.html) already shrink the page
 * when the keyboard opens; others only shrink the visual viewport, and
 * without this the composer would stay under the keyboard.
 */
export function useVisibleHeight(): void {
  useEffect(() => {
    const viewport = window.visualViewport;
    if (!viewport) return;
    const root = document.documentElement;
    const update = () => {
      // Pinch-zoom shrinks the visual viewport too; scaled back, it does
      // not shrink the app.
      root.style.setProperty('--app-height', `${Math.round(viewport.height * viewport.scale)}px`);
    };
    update();
    viewport.addEventListener('resize', update);
    return () => {
      viewport.removeEventListener('resize', update);
      root.style.removeProperty('--app-height');
    };
  }, []);
}
