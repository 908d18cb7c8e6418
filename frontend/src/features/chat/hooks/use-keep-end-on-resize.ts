import { useEffect, type RefObject } from 'react';

/**
 * Keeps the newest message in view when the list gets shorter or taller
 * while the reader is at its end: on a phone the on-screen keyboard takes
 * the bottom of the screen, and without this it would cover the messages
 * the reader was looking at. A reader scrolled up in history stays put.
 */
export function useKeepEndOnResize(scrollRef: RefObject<HTMLElement | null>, threshold: number): void {
  useEffect(() => {
    const el = scrollRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    // Measured on scroll, not on resize: a resize moves the end away
    // without a scroll event, so this still holds what the reader saw.
    let atEnd = true;
    let height = el.clientHeight;
    const onScroll = () => {
      atEnd = el.scrollHeight - el.scrollTop - el.clientHeight <= threshold;
    };
    const observer = new ResizeObserver(() => {
      if (el.clientHeight === height) return;
      height = el.clientHeight;
      if (atEnd) el.scrollTop = el.scrollHeight;
    });
    el.addEventListener('scroll', onScroll, { passive: true });
    observer.observe(el);
    return () => {
      el.removeEventListener('scroll', onScroll);
      observer.disconnect();
    };
  }, [scrollRef, threshold]);
}
