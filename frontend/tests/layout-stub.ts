/**
 * jsdom does no layout. This gives the message list's scroller a 600 px
 * viewport, every row a fixed height, and a scrollTop that is clamped and
 * fires scroll events, which is what the virtualizer reads.
 */
export function stubLayout(rowHeight = 50, viewport = 600): () => void {
  const restores: (() => void)[] = [];
  const define = (proto: object, prop: string, get: (this: HTMLElement) => number) => {
    const before = Object.getOwnPropertyDescriptor(proto, prop);
    Object.defineProperty(proto, prop, { configurable: true, get });
    restores.push(() => {
      if (before) Object.defineProperty(proto, prop, before);
      else delete (proto as Record<string, unknown>)[prop];
    });
  };
  const isScroller = (el: HTMLElement) => el.classList.contains('message-scroll');
  const contentHeight = (el: HTMLElement) =>
    parseFloat((el.firstElementChild as HTMLElement | null)?.style.height || '0');
  const top = new WeakMap<HTMLElement, number>();

  define(HTMLElement.prototype, 'clientHeight', function () {
    return isScroller(this) ? viewport : 0;
  });
  define(HTMLElement.prototype, 'clientWidth', function () {
    return isScroller(this) ? 400 : 0;
  });
  define(HTMLElement.prototype, 'offsetHeight', function () {
    return this.classList.contains('message-slot') ? rowHeight : 0;
  });
  define(HTMLElement.prototype, 'scrollHeight', function () {
    return isScroller(this) ? Math.max(viewport, contentHeight(this)) : 0;
  });
  const topBefore = Object.getOwnPropertyDescriptor(Element.prototype, 'scrollTop');
  Object.defineProperty(HTMLElement.prototype, 'scrollTop', {
    configurable: true,
    get(this: HTMLElement) {
      return top.get(this) ?? 0;
    },
    set(this: HTMLElement, v: number) {
      const max = Math.max(0, this.scrollHeight - this.clientHeight);
      top.set(this, Math.min(max, Math.max(0, v)));
      this.dispatchEvent(new Event('scroll'));
    },
  });
  restores.push(() => {
    delete (HTMLElement.prototype as unknown as Record<string, unknown>).scrollTop;
    if (topBefore) Object.defineProperty(Element.prototype, 'scrollTop', topBefore);
  });
  const scrollToBefore = Object.getOwnPropertyDescriptor(Element.prototype, 'scrollTo');
  Element.prototype.scrollTo = function (this: HTMLElement, arg?: ScrollToOptions | number) {
    const y = typeof arg === 'object' ? arg.top : undefined;
    if (typeof y === 'number') this.scrollTop = y;
  };
  restores.push(() => {
    if (scrollToBefore) Object.defineProperty(Element.prototype, 'scrollTo', scrollToBefore);
    else delete (Element.prototype as unknown as Record<string, unknown>).scrollTo;
  });
  const roBefore = globalThis.ResizeObserver;
  globalThis.ResizeObserver = class {
    observe(): void {}
    unobserve(): void {}
    disconnect(): void {}
  };
  restores.push(() => {
    globalThis.ResizeObserver = roBefore;
  });
  return () => {
    for (const restore of restores.reverse()) restore();
  };
}
