import { useLayoutEffect, useRef, type ReactNode } from 'react';

/**
 * A modal panel on the native `<dialog>`: `showModal()` makes the page behind
 * it inert, so focus stays inside, and turns Escape into a `cancel` event.
 * The caller owns whether it is open (it unmounts it on `onClose`), so the
 * browser's own closing is held back and reported instead.
 */
export function Dialog(props: { title: string; onClose: () => void; children: ReactNode }) {
  const { title, onClose, children } = props;
  const ref = useRef<HTMLDialogElement>(null);
  // The latest onClose without reopening the dialog when its identity changes.
  const onCloseRef = useRef(onClose);
  useLayoutEffect(() => {
    onCloseRef.current = onClose;
  });

  // A layout effect opens it before the first paint and closes it before it
  // leaves the document, which is when the browser hands focus back.
  useLayoutEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const onCancel = (e: Event) => {
      e.preventDefault();
      onCloseRef.current();
    };
    // A browser may close it anyway (it ignores a held-back Escape pressed
    // twice without a click between): tell the caller all the same.
    const onNativeClose = () => onCloseRef.current();
    dialog.addEventListener('cancel', onCancel);
    dialog.addEventListener('close', onNativeClose);
    dialog.showModal();
    return () => {
      dialog.removeEventListener('cancel', onCancel);
      dialog.removeEventListener('close', onNativeClose);
      if (dialog.open) dialog.close();
      previous?.focus();
    };
  }, []);

  return (
    <dialog
      className="dialog"
      aria-label={title}
      ref={ref}
      // A press on the backdrop lands on the <dialog> itself; the panel
      // inside covers all of the dialog's own box.
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onCloseRef.current();
      }}
    >
      <div className="dialog-panel">
        <header className="dialog-head">
          <h2>{title}</h2>
          <button type="button" className="icon-btn" aria-label="Close" onClick={onClose}>
            ×
          </button>
        </header>
        {children}
      </div>
    </dialog>
  );
}
